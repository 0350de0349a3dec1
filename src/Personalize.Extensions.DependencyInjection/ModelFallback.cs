namespace Personalize.Extensions.DependencyInjection;

/// <summary>Says that the service serves the last-good copy of the model (see <see cref="PersonalizeOptions.LastGoodModelPath"/>)
/// because the configured model file failed its checks at start-up, and why.</summary>
/// <remarks>Immutable and thread-safe. <see cref="IRecommendationService.Fallback"/> returns it until a good model is swapped in.</remarks>
public sealed class ModelFallback
{
    internal ModelFallback(string modelPath, string lastGoodModelPath, string reason, long version, DateTimeOffset? lastGoodSavedAt)
    {
        ModelPath = modelPath;
        LastGoodModelPath = lastGoodModelPath;
        Reason = reason;
        Version = version;
        LastGoodSavedAt = lastGoodSavedAt;
    }

    /// <summary>Gets the configured model file that failed its checks (<see cref="PersonalizeOptions.ModelPath"/>).</summary>
    public string ModelPath { get; }

    /// <summary>Gets the last-good copy that serves instead (<see cref="PersonalizeOptions.LastGoodModelPath"/>).</summary>
    public string LastGoodModelPath { get; }

    /// <summary>Gets why <see cref="ModelPath"/> was refused: the message of its <see cref="Core.Models.ModelFormatException"/> (the file,
    /// the section, what was expected and found) or of the I/O error.</summary>
    public string Reason { get; }

    /// <summary>Gets the model version that the last-good copy serves as (see <see cref="IRecommendationService.ModelVersion"/>).</summary>
    public long Version { get; }

    /// <summary>Gets when the last-good copy was written (its file's last write time), or <see langword="null"/> when unknown.</summary>
    public DateTimeOffset? LastGoodSavedAt { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"serving the last-good copy {LastGoodModelPath} as version {Version}, because {ModelPath} failed its checks: {Reason}";
}
