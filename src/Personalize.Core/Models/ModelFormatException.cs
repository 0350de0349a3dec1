namespace Personalize.Core.Models;

/// <summary>A model file could not be read: it is not a model file, was written by a newer version, is truncated or is corrupted.</summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The model file.</param>
    /// <param name="section">The section at fault (such as <c>IFAC</c>), or <see langword="null"/> for the file as a whole.</param>
    /// <param name="reason">What was expected and what was found.</param>
    public ModelFormatException(string filePath, string? section, string reason)
        : base($"{Path.GetFileName(filePath)}: {(section is null ? "" : $"section '{section}': ")}{reason}")
    {
        FilePath = filePath;
        Section = section;
        Reason = reason;
    }

    /// <summary>Gets the model file.</summary>
    public string FilePath { get; }

    /// <summary>Gets the section at fault, or <see langword="null"/> for the file as a whole.</summary>
    public string? Section { get; }

    /// <summary>Gets what was expected and what was found.</summary>
    public string Reason { get; }
}
