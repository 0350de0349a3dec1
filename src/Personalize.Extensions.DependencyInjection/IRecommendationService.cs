using Personalize.Core.Filtering;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Serving;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>
/// Answers recommendation queries from the served model and swaps in new models while serving; registered as a singleton by
/// <see cref="PersonalizeServiceCollectionExtensions.AddPersonalize"/>.
/// </summary>
/// <remarks>
/// Every query runs on one whole model: a swap that happens meanwhile affects only later queries. Queries are counted and timed on the
/// <see cref="PersonalizeDiagnostics.MeterName"/> meter, and swaps are logged. All members are thread-safe.
/// </remarks>
public interface IRecommendationService
{
    /// <summary>Gets the version of the served model: 1 for the model loaded at start-up, one more for every accepted swap.</summary>
    long ModelVersion { get; }

    /// <summary>Gets where the served model came from (its file path, or the description it was swapped in with).</summary>
    string ModelSource { get; }

    /// <summary>Gets the served model. It may be replaced right after this returns.</summary>
    FactorModel Model { get; }

    /// <summary>Gets why the last-good copy of the model serves instead of <see cref="PersonalizeOptions.ModelPath"/>, or
    /// <see langword="null"/> when the served model is the configured file's or a later swap's.</summary>
    /// <remarks>Set at start-up when <see cref="PersonalizeOptions.ModelPath"/> failed its checks and
    /// <see cref="PersonalizeOptions.LastGoodModelPath"/> stood in; cleared by the next accepted swap. Compare its
    /// <see cref="ModelFallback.Version"/> with a lease's version to label an answer.</remarks>
    ModelFallback? Fallback { get; }

    /// <summary>Leases the served model, its version and its recommender together, for work that must see one consistent model.</summary>
    /// <returns>The lease; dispose it when the answer is built. A swap meanwhile does not change what the lease holds.</returns>
    /// <remarks>
    /// Reading <see cref="Model"/> and then <see cref="ModelVersion"/> may straddle a swap; a lease cannot. Use it to build per-model state
    /// (a recommender with a catalogue and preference store, an event tracker, a search) and to label answers with the version that made
    /// them. The lease's recommender uses <see cref="PersonalizeOptions.Recommender"/>; queries on it are not counted in the metrics.
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The service was disposed.</exception>
    ModelLease Acquire();

    /// <summary>Recommends up to <paramref name="count"/> items for a user, best first.</summary>
    /// <param name="userId">The user's id; a user the model does not know gets the cold-start answer, and the list's
    /// <see cref="RecommendationList.Source"/> says so.</param>
    /// <param name="count">How many items at most, from 0 to <see cref="PersonalizeOptions.MaxCount"/>.</param>
    /// <param name="filter">Filter text such as <c>brand in ("Acme", "Zen") and price &lt;= 50</c> (see <see cref="FilterText"/>), read
    /// against <see cref="PersonalizeOptions.CatalogPath"/>; <see langword="null"/> or blank for no filter.</param>
    /// <returns>The list; shorter than <paramref name="count"/> only when fewer items are eligible.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or more than <see cref="PersonalizeOptions.MaxCount"/>.</exception>
    /// <exception cref="FilterSyntaxException">The filter text is invalid; the exception says where and why.</exception>
    /// <exception cref="ArgumentException">The filter has <c>not bought</c>: the service has no purchases (see <see cref="Acquire"/>).</exception>
    /// <exception cref="InvalidOperationException">A filter was given but no <see cref="PersonalizeOptions.CatalogPath"/> is configured.</exception>
    RecommendationList ForUser(string userId, int count, string? filter = null);

    /// <summary>Recommends up to <paramref name="count"/> items for a user and says which model version answered: for an API that
    /// returns the version with the list, or a cache keyed by it.</summary>
    /// <remarks>The filter is text because that is what arrives with a request (a query string, a saved preference) and because a
    /// compiled filter belongs to one model's item numbering: the service compiles the text against the model it serves at that moment
    /// (cached per model), so a swap never meets a stale filter. The overload with a <see cref="Filter"/> takes a filter built in code and
    /// compiles it the same way.</remarks>
    /// <param name="userId">The user's id, as for <see cref="ForUser"/>.</param>
    /// <param name="count">How many items at most, from 0 to <see cref="PersonalizeOptions.MaxCount"/>.</param>
    /// <param name="filter">Filter text as for <see cref="ForUser"/>; <see langword="null"/> or blank for none.</param>
    /// <returns>The list, the model version and its source.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or more than <see cref="PersonalizeOptions.MaxCount"/>.</exception>
    /// <exception cref="FilterSyntaxException">The filter text is invalid; the exception says where and why.</exception>
    /// <exception cref="ArgumentException">The filter has <c>not bought</c>: the service has no purchases (see <see cref="Acquire"/>).</exception>
    /// <exception cref="InvalidOperationException">A filter was given but no <see cref="PersonalizeOptions.CatalogPath"/> is configured.</exception>
    ServedRecommendations Recommend(string userId, int count, string? filter = null);

    /// <summary>Recommends up to <paramref name="count"/> items for a user with a filter built in code, and says which model version
    /// answered.</summary>
    /// <param name="userId">The user's id, as for <see cref="ForUser"/>.</param>
    /// <param name="count">How many items at most, from 0 to <see cref="PersonalizeOptions.MaxCount"/>.</param>
    /// <param name="filter">The filter, such as <c>Filter.Where("brand").In("Acme")</c>, read against
    /// <see cref="PersonalizeOptions.CatalogPath"/>.</param>
    /// <returns>The list, the model version and its source.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="userId"/> or <paramref name="filter"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or more than <see cref="PersonalizeOptions.MaxCount"/>.</exception>
    /// <exception cref="ArgumentException">The filter names an attribute the catalogue does not have (the message lists those it has),
    /// compares an attribute with a value of another type, or has <c>not bought</c> (the service has no purchases; see
    /// <see cref="Acquire"/>).</exception>
    /// <exception cref="InvalidOperationException">No <see cref="PersonalizeOptions.CatalogPath"/> is configured.</exception>
    ServedRecommendations Recommend(string userId, int count, Filter filter);

    /// <summary>Reads <see cref="PersonalizeOptions.ModelPath"/> again and swaps the model in if it is valid and fits.</summary>
    /// <returns>Whether it was accepted, and if not, why; a rejected file is logged and the old model keeps serving.</returns>
    ModelSwapResult Reload();

    /// <summary>Loads another model file and swaps it in if it is valid and fits.</summary>
    /// <param name="path">The model file.</param>
    /// <returns>Whether it was accepted, and if not, why; a rejected file is logged and the old model keeps serving.</returns>
    ModelSwapResult TryLoad(string path);

    /// <summary>Swaps in a model built in memory, such as one just retrained, if it fits.</summary>
    /// <param name="model">The model.</param>
    /// <param name="source">A description for logs, such as "retrained at 02:00".</param>
    /// <returns>Whether it was accepted, and if not, why.</returns>
    ModelSwapResult TrySwap(FactorModel model, string source);
}
