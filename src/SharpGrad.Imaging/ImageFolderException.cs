using SharpGrad.Data;

namespace SharpGrad.Imaging;

/// <summary>
/// An image folder that does not have the expected layout (root/class_name/image files): a missing or empty root, no
/// class folders, or a class folder without images. The message names the folder and says what is expected.
/// </summary>
public sealed class ImageFolderException : DataFormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="directory">The folder at fault.</param>
    /// <param name="message">The complete message.</param>
    public ImageFolderException(string directory, string message)
        : base(message)
    {
        Directory = directory;
    }

    /// <summary>The folder at fault.</summary>
    public string Directory { get; }
}
