using SharpGrad.Cli.Commands;

namespace SharpGrad.Tests.Optim;

public class ScheduleCommandTests
{
    [Fact]
    public void PrintsBoundariesAndWritesAPng()
    {
        string png = Path.Combine(Path.GetTempPath(), $"sharpgrad-schedule-{Guid.NewGuid():N}.png");
        var output = new StringWriter();
        try
        {
            Assert.Equal(0, ScheduleCommand.Run("cosine", 100, 0.01, png, output));
            string text = output.ToString();
            Assert.Contains("WarmupSteps = 10", text);
            Assert.Matches(@"\n\s+10\s+0\.01\s*\n", text.Replace("\r", ""));     // end of warmup
            Assert.Contains("(beyond T)", text);
            byte[] head = File.ReadAllBytes(png)[..8];
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, head);
            Assert.True(new FileInfo(png).Length > 5_000);
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Fact]
    public void UnknownNameExitsWithTwo()
    {
        Assert.Equal(2, ScheduleCommand.Run("nope", 100, 0.1, null, new StringWriter()));
    }
}
