using Personalize.Core.Models;

namespace Personalize.Core.Serving;

/// <summary>What became of a model offered to <see cref="ModelStore.TryLoad"/> or <see cref="ModelStore.TrySwap"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class ModelSwapResult
{
    private ModelSwapResult(bool accepted, string source, string? reason, long version, FactorModel? model, Exception? exception)
    {
        Accepted = accepted;
        Source = source;
        Reason = reason;
        Version = version;
        Model = model;
        Exception = exception;
    }

    /// <summary>Gets whether the model was accepted and now serves new queries.</summary>
    public bool Accepted { get; }

    /// <summary>Gets where the offered model came from: the file path, or the description given to <see cref="ModelStore.TrySwap"/>.</summary>
    public string Source { get; }

    /// <summary>Gets why the model was rejected, naming the file and what was wrong; <see langword="null"/> when it was accepted.</summary>
    public string? Reason { get; }

    /// <summary>Gets the version serving after the offer: the new model's when accepted, the unchanged one when rejected.</summary>
    public long Version { get; }

    /// <summary>Gets the accepted model; <see langword="null"/> when the offer was rejected.</summary>
    public FactorModel? Model { get; }

    /// <summary>Gets the exception that caused a rejection (such as <see cref="ModelFormatException"/> or <see cref="IOException"/>), if any.</summary>
    public Exception? Exception { get; }

    /// <inheritdoc />
    public override string ToString() => Accepted
        ? $"accepted {Source} as version {Version}"
        : $"rejected {Source}: {Reason} (still serving version {Version})";

    internal static ModelSwapResult Accept(string source, long version, FactorModel model) => new(true, source, null, version, model, null);

    internal static ModelSwapResult Reject(string source, string reason, long version, Exception? exception) =>
        new(false, source, reason, version, null, exception);
}
