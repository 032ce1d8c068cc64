namespace SharpGrad;

/// <summary>Library version information.</summary>
public static class SharpGradInfo
{
    /// <summary>The library version.</summary>
    public const string Version = "0.1.0";
}
