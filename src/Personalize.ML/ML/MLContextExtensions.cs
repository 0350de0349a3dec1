using Microsoft.ML;

namespace Personalize.Core.ML;

/// <summary>Adds <see cref="Personalization"/> to <see cref="MLContext"/>.</summary>
public static class MLContextExtensions
{
    /// <summary>Gets the Personalize.Core catalog of an ML.NET context: trainers, pipeline save and load, rating evaluation.</summary>
    /// <param name="mlContext">The context.</param>
    /// <returns>The catalog.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="mlContext"/> is null.</exception>
    public static PersonalizationCatalog Personalization(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new PersonalizationCatalog(mlContext);
    }
}
