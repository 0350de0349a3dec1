using Personalize.Core.Models;
using Personalize.Core.Pages;
using Personalize.Core.Recommending;
using Personalize.Search;
using Personalize.Core.Tracking;
using Personalize.Extensions.DependencyInjection;

namespace Personalize.Storefront.Shop;

/// <summary>
/// Everything one served model answers with: its recommender (with the catalogue and the preference store), the live tracker over its
/// items (the DI package's, whose state moves to each new model), the home-page builder, the product search, and whether the model is
/// the last-good copy standing in for a damaged file. A request takes one snapshot and answers from it alone, so every answer comes
/// from one model and carries that model's version.
/// </summary>
internal sealed class ShopSnapshot(long version, string source, FactorModel model, Recommender recommender, EventTracker tracker,
    HomePageBuilder home, ProductSearch search, ModelFallback? fallback)
{
    /// <summary>The DI service's version of the model (1 at start-up, one more per accepted swap).</summary>
    public long Version { get; } = version;

    /// <summary>Where the model came from.</summary>
    public string Source { get; } = source;

    /// <summary>The model.</summary>
    public FactorModel Model { get; } = model;

    /// <summary>The recommender with the catalogue and the preference store.</summary>
    public Recommender Recommender { get; } = recommender;

    /// <summary>The live tracker over the model's items.</summary>
    public EventTracker Tracker { get; } = tracker;

    /// <summary>The home-page builder.</summary>
    public HomePageBuilder Home { get; } = home;

    /// <summary>The product search, personalized by <see cref="Recommender"/>.</summary>
    public ProductSearch Search { get; } = search;

    /// <summary>The signed-in user folded in from their training history and the events the tracker holds (replayed after a restart),
    /// for lists that follow what they did since training; null for an anonymous visitor (empty id) or a model trained on ratings, whose
    /// users the tracker's events (views, purchases) cannot fold in.</summary>
    public FoldedUser? FoldIn(string userId) =>
        userId.Length == 0 || Model.Kind == FactorModelKind.Explicit ? null : Tracker.FoldIn(userId, Recommender);

    /// <summary>Why the last-good copy of the model serves instead of the configured file, or null when the configured file (or a
    /// later swap) serves.</summary>
    public ModelFallback? Fallback { get; } = fallback;
}
