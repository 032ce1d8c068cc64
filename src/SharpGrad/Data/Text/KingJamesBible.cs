using System.Diagnostics;
using System.Text;
using SharpGrad.IO;

namespace SharpGrad.Data.Text;

/// <summary>
/// The King James Bible (public-domain text; ~4.1 MB of ASCII, 31,102 verse lines, 63 distinct characters) as one
/// string, one verse per line without its reference: a character-level language-model corpus.
/// </summary>
/// <remarks>
/// <para>Searched in this order: the <c>path</c> argument (when given, only it); <c>$SHARPGRAD_DATA/kjv.txt</c>; the cache
/// file <see cref="CachePath"/>; otherwise the text is produced by the Debian <c>bible</c> program (package
/// <c>bible-kjv</c>; run as a separate process, never linked) as
/// <c>bible -f gen1:1-rev22:21 | sed 's/^[^ ]* //'</c> and written to the cache atomically.</para>
/// </remarks>
public static class KingJamesBible
{
    /// <summary>The command that installs the <c>bible</c> program and its text.</summary>
    public const string InstallCommand = "apt-get install -y bible-kjv";

    /// <summary>The file name looked for under <c>$SHARPGRAD_DATA</c> and in the cache folder.</summary>
    public const string FileName = "kjv.txt";

    /// <summary>Where the Debian package installs the <c>bible</c> program.</summary>
    public const string BibleProgram = "/usr/bin/bible";

    /// <summary>The arguments that print the whole text, Genesis 1:1 to Revelation 22:21.</summary>
    public const string BibleArguments = "-f gen1:1-rev22:21";

    /// <summary>
    /// The cache file: <c>$XDG_CACHE_HOME/sharpgrad/kjv.txt</c>, or <c>~/.cache/sharpgrad/kjv.txt</c>.
    /// </summary>
    public static string CachePath
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = !string.IsNullOrWhiteSpace(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "sharpgrad", FileName);
        }
    }

    /// <summary>Loads the text.</summary>
    /// <param name="path">A text file to read instead (any corpus; <c>--text FILE</c>), or null to search (see remarks).</param>
    /// <returns>The text, with '\n' line ends.</returns>
    /// <exception cref="DatasetNotFoundException">The file is not there, or nothing was found and the <c>bible</c> program is not installed; the message says how to get it.</exception>
    public static string Load(string? path = null)
    {
        if (path is not null)
        {
            if (!File.Exists(path))
            {
                throw new DatasetNotFoundException(
                    $"The text file {path} does not exist. For the King James Bible, run: {InstallCommand} (and omit the path), " +
                    $"or write it with: bible {BibleArguments} | sed 's/^[^ ]* //' > kjv.txt", [path]);
            }

            return File.ReadAllText(path);
        }

        string? found = Find();
        if (found is not null) return File.ReadAllText(found);

        string text = FromBibleProgram();
        try
        {
            AtomicFile.WriteAllText(CachePath, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The cache is an optimisation only.
        }

        return text;
    }

    /// <summary>Finds an existing text file (<c>$SHARPGRAD_DATA/kjv.txt</c>, then the cache), without running anything.</summary>
    /// <returns>The file, or null.</returns>
    public static string? Find() => Candidates().FirstOrDefault(File.Exists);

    /// <summary>Whether <see cref="Load"/> can succeed without a path: a text file exists or the <c>bible</c> program is installed.</summary>
    public static bool IsAvailable => Find() is not null || File.Exists(BibleProgram);

    /// <summary>Runs the <c>bible</c> program and strips each line's verse reference (the first word).</summary>
    /// <returns>The text.</returns>
    /// <exception cref="DatasetNotFoundException">The program is not installed.</exception>
    /// <exception cref="InvalidOperationException">The program failed.</exception>
    public static string FromBibleProgram()
    {
        var sb = new StringBuilder(4_200_000);
        foreach (string line in BibleProgramLines())
        {
            int space = line.IndexOf(' ');
            sb.Append(space >= 0 ? line.AsSpan(space + 1) : line.AsSpan()).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The <c>bible</c> program's lines, each "reference text" (e.g. "Ge1:1 In the beginning …").</summary>
    /// <exception cref="DatasetNotFoundException">The program is not installed.</exception>
    /// <exception cref="InvalidOperationException">The program failed.</exception>
    internal static List<string> BibleProgramLines()
    {
        if (!File.Exists(BibleProgram))
        {
            var searched = Candidates().Append(BibleProgram).ToList();
            throw new DatasetNotFoundException(
                $"The King James Bible text was not found. Searched:{Environment.NewLine}" +
                string.Join(Environment.NewLine, searched.Select(s => "  " + s + " (missing)")) + Environment.NewLine +
                $"Install it with: {InstallCommand}{Environment.NewLine}" +
                $"or pass --text FILE (any plain-text corpus), or put kjv.txt in ${FashionMnist.DataEnvironmentVariable}.",
                searched);
        }

        var info = new ProcessStartInfo(BibleProgram)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (string a in BibleArguments.Split(' ')) info.ArgumentList.Add(a);
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {BibleProgram}.");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        var lines = new List<string>(31_102);
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null) lines.Add(line);
        process.WaitForExit();
        if (process.ExitCode != 0 || lines.Count == 0)
            throw new InvalidOperationException($"{BibleProgram} {BibleArguments} failed (exit code {process.ExitCode}): {stderr.Result}");
        return lines;
    }

    private static IEnumerable<string> Candidates()
    {
        string? root = Environment.GetEnvironmentVariable(FashionMnist.DataEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(root)) yield return Path.Combine(root, FileName);
        yield return CachePath;
    }
}
