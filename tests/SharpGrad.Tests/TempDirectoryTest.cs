namespace SharpGrad.Tests;

/// <summary>A test class with a fresh temporary folder (<see cref="Dir"/>), deleted after each test.</summary>
public abstract class TempDirectoryTest : IDisposable
{
    /// <summary>The folder, unique to this test.</summary>
    protected string Dir { get; } = Directory.CreateTempSubdirectory("sharpgrad-test-").FullName;

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
