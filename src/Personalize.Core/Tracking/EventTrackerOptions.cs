using System.ComponentModel.DataAnnotations;
using Personalize.Core.Data;
using Personalize.Core.Internal;

namespace Personalize.Core.Tracking;

/// <summary>How an <see cref="EventTracker"/> keeps live state and answers its surfaces. Immutable and safe to share between threads.</summary>
/// <remarks>Validated once, when the tracker is created; every error is reported together.</remarks>
public sealed record EventTrackerOptions : IValidatableObject
{
    /// <summary>Gets the half-life of the recent event rate that <see cref="EventTracker.TrendingNow(int, Filtering.CompiledFilter?, string?)"/>
    /// compares with each item's baseline.</summary>
    /// <remarks>Shorter reacts faster to a surge but needs more traffic: on a shop with a few events per item per day, an hour holds mostly
    /// noise and 6 to 24 hours works better.</remarks>
    /// <value>The default is 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan ShortHalfLife { get; init; } = EventTrackerDefaults.ShortHalfLife;

    /// <summary>Gets the half-life of each item's baseline event rate: what "usual" means for that item.</summary>
    /// <remarks>Must be longer than <see cref="ShortHalfLife"/>. A longer baseline keeps a surge trending for longer before it becomes the
    /// new normal.</remarks>
    /// <value>The default is 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan BaselineHalfLife { get; init; } = EventTrackerDefaults.BaselineHalfLife;

    /// <summary>Gets the pseudo-events added to both the recent and the expected count of every item, so that an item with few events cannot
    /// top the trending list on noise.</summary>
    /// <remarks>The trending score is (recent + m) / (expected + m) with m this value. With 5, one event on a cold item scores 1.2 while an
    /// item at 3× its baseline on 20 recent events scores about 2.1; larger values favour items with more traffic, 0 ranks by raw lift.</remarks>
    /// <value>The default is 5 events.</value>
    [Range(0d, 1e9)]
    public double TrendingSmoothing { get; init; } = EventTrackerDefaults.TrendingSmoothing;

    /// <summary>Gets the event types the tracker accepts and how much each says about a user's taste (for the folded-in vector).</summary>
    /// <remarks>Events of other types are counted as rejected in <see cref="EventTracker.GetReport"/>.</remarks>
    /// <value>The default is <see cref="EventWeights.Default"/>: <c>view=1, cart=4, purchase=10</c>.</value>
    [Required]
    public EventWeights EventWeights { get; init; } = EventWeights.Default;

    /// <summary>Gets the event type that means the user looked at an item (recently viewed).</summary>
    /// <value>The default is <c>view</c>.</value>
    [Required]
    public string ViewEventType { get; init; } = EventTrackerDefaults.ViewEventType;

    /// <summary>Gets the event type that means the user bought an item (buy again).</summary>
    /// <value>The default is <c>purchase</c>.</value>
    [Required]
    public string PurchaseEventType { get; init; } = EventTrackerDefaults.PurchaseEventType;

    /// <summary>Gets the catalogue attribute that holds each item's category path (such as <c>Kitchen/Coffee</c>), for trending per category.</summary>
    /// <value>The default is <c>category</c>.</value>
    [Required]
    public string CategoryAttribute { get; init; } = EventTrackerDefaults.CategoryAttribute;

    /// <summary>Gets the repeat rate below which an item counts as a one-off purchase and is left out of buy again.</summary>
    /// <remarks>The repeat rate is the share of an item's buyers who bought it again, shrunk toward its category's (see
    /// <see cref="EventTracker.BuyAgain(string, int, Filtering.CompiledFilter?)"/>). 0 keeps every item someone may re-buy.</remarks>
    /// <value>The default is 0.1: at least one buyer in ten came back.</value>
    [Range(0d, 1d)]
    public double BuyAgainMinimumRepeatRate { get; init; } = EventTrackerDefaults.BuyAgainMinimumRepeatRate;

    /// <summary>Gets how many distinct unknown item ids the report lists with their counts; later ones are only counted.</summary>
    /// <value>The default is 100.</value>
    [Range(0, 100_000)]
    public int UnknownItemIdCapacity { get; init; } = EventTrackerDefaults.UnknownItemIdCapacity;

    /// <summary>Gets how many distinct recent searches the tracker keeps per user (<see cref="EventTracker.TrackSearch"/>); the oldest is
    /// forgotten when a new one arrives. Memory is about this many times (query length × 2 + 40) bytes per user who searched.</summary>
    /// <value>The default is 20 searches.</value>
    [Range(1, 1_000)]
    public int RecentSearchCapacity { get; init; } = EventTrackerDefaults.RecentSearchCapacity;

    /// <summary>Gets the most users the tracker keeps state for; <see langword="null"/> for no bound.</summary>
    /// <remarks>
    /// <para>When a new user's first event would make one user too many, the least recently active users are evicted: those whose latest
    /// event (view, cart, purchase or search) was received longest ago, in the order events were received, not by their timestamps. A
    /// batch of max(1, <see cref="MaxUsers"/> / 16) users goes at once (so a bounded tracker holds between that many fewer users and
    /// <see cref="MaxUsers"/>), and the cost per new user stays amortized O(log n). An evicted
    /// user's recently viewed items, buy-again history, recent searches and folded-in taste are forgotten (their events stay in trending
    /// and in the items' repeat-purchase statistics); a later event starts them afresh. Evictions are counted in
    /// <see cref="TrackingReport.EvictedUsers"/>.</para>
    /// <para>The policy depends only on the order of the events, so replaying a journal evicts the same users as the live tracker did.
    /// Memory per user is about 200 bytes plus 32 per item touched (see <see cref="MaxItemsPerUser"/>).</para>
    /// </remarks>
    /// <value>The default is <see langword="null"/>: no user is evicted, and memory grows with the users.</value>
    [Range(1, int.MaxValue)]
    public int? MaxUsers { get; init; }

    /// <summary>Gets the most distinct items the tracker keeps per user; <see langword="null"/> for no bound.</summary>
    /// <remarks>When a user touches one item too many, the items the user touched least recently are forgotten for that user (their summed
    /// weight, latest view and purchase history) until <see cref="MaxItemsPerUser"/> − max(1, <see cref="MaxItemsPerUser"/> / 8) remain:
    /// batches keep the cost amortized. Counted in
    /// <see cref="TrackingReport.EvictedUserItems"/>. A forgotten item bought again counts as a first order in the item's repeat
    /// statistics.</remarks>
    /// <value>The default is <see langword="null"/>: every item a user touched is kept.</value>
    [Range(1, 10_000_000)]
    public int? MaxItemsPerUser { get; init; }

    /// <summary>Gets the durable form of the tracker: an append-only journal of the accepted events and periodic snapshots, replayed when
    /// the tracker is created; <see langword="null"/> to keep state in memory only.</summary>
    /// <remarks>See <see cref="EventJournalOptions"/> for the durability contract. With a journal, every tracking call is serialized (one
    /// writer at a time appends and applies), and the tracker must be disposed to close the journal.</remarks>
    /// <value>The default is <see langword="null"/>: a restart loses every tracked event.</value>
    public EventJournalOptions? Journal { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (ValidationResult error in OptionsValidation.Nested(nameof(Journal), Journal))
        {
            yield return error;
        }

        if (ShortHalfLife >= BaselineHalfLife)
        {
            yield return OptionsValidation.Error(nameof(BaselineHalfLife), BaselineHalfLife,
                $"must be longer than ShortHalfLife ({ShortHalfLife}), or the baseline cannot tell a surge from the usual rate.");
        }

        if (EventWeights is not null)
        {
            foreach (var (name, value) in new[] { (nameof(ViewEventType), ViewEventType), (nameof(PurchaseEventType), PurchaseEventType) })
            {
                if (value is not null && EventWeights.IndexOf(value) < 0)
                {
                    yield return OptionsValidation.Error(name, value, $"must be one of the event types ({string.Join(", ", EventWeights.Names)}).");
                }
            }
        }
    }
}
