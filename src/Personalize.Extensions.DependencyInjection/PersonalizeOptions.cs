using System.ComponentModel.DataAnnotations;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tracking;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>What <see cref="PersonalizeServiceCollectionExtensions.AddPersonalize"/> serves and how.</summary>
/// <remarks>
/// Unlike the immutable options records of Personalize.Core, this class has setters, because the options pattern configures it in
/// place (<c>services.AddPersonalize(o =&gt; o.ModelPath = "shop.pzm")</c>, or bound from configuration). It is validated once, at
/// start-up (<c>ValidateDataAnnotations</c> and <c>ValidateOnStart</c>): every rule is an attribute, so all errors are reported together; the service copies the
/// values it needs then, so later changes to the instance have no effect. Not thread-safe while being configured.
/// </remarks>
public sealed class PersonalizeOptions
{
    /// <summary>Gets or sets the model file to serve (written by <see cref="ModelFile.Save"/> or <c>personalize train</c>).</summary>
    /// <remarks>It is also the file that <see cref="IRecommendationService.Reload"/> and <see cref="WatchForChanges"/> read again.</remarks>
    /// <value>Required; there is no default.</value>
    [Required(ErrorMessage = "ModelPath is required: set it to the model file to serve (a .pzm file written by ModelFile.Save or personalize train).")]
    [ExistingFile("a model file written by ModelFile.Save or personalize train")]
    public string? ModelPath { get; set; }

    /// <summary>Gets or sets where a verified copy of the last model that served is kept (the last-good copy), so that a model file
    /// damaged in place does not stop the service.</summary>
    /// <remarks>
    /// <para>Every model that starts serving (at start-up, and after each accepted <see cref="IRecommendationService.Reload"/>,
    /// <see cref="IRecommendationService.TryLoad"/> or <see cref="IRecommendationService.TrySwap"/>) has been read completely and checked
    /// (magic, version, checksums, every field, fit); only then is it written here, with <see cref="ModelFile.Save"/> (a temporary file
    /// renamed over this one, so the copy is never half-written). A copy that cannot be written is logged as a warning and serving goes
    /// on.</para>
    /// <para>When <see cref="ModelPath"/> fails its checks at start-up (torn by a copy over it, truncated, corrupted, of another kind),
    /// the last-good copy is checked the same way and served instead: the error is logged (event 10) with both files and the reason, and
    /// <see cref="IRecommendationService.Fallback"/> says so until a good model is swapped in. Without a last-good copy (or with one that
    /// fails too) start-up stops with the <see cref="ModelFormatException"/> of <see cref="ModelPath"/>, which says that no copy could
    /// stand in. A bad file offered for a reload never needs the copy: it is rejected and the serving model (the last good one) keeps
    /// serving.</para>
    /// <para>Keep it on the same machine, outside the directory that deployments overwrite, and give each service its own file.</para>
    /// </remarks>
    /// <value>The default is <see langword="null"/>: no copy is kept, and a damaged <see cref="ModelPath"/> stops start-up.</value>
    [NotSameFile("the last-good copy must be a file of its own, such as 'state/shop.last-good.pzm'.", nameof(ModelPath), nameof(CatalogPath))]
    public string? LastGoodModelPath { get; set; }

    /// <summary>Gets or sets the item catalogue CSV whose attributes filter texts read (see <c>ItemCatalog.ReadCsv</c>).</summary>
    /// <remarks>Needed only for filtered queries; it is read once, at start-up.</remarks>
    /// <value>The default is <see langword="null"/>: queries with a filter are refused. An empty or blank value (an empty configuration
    /// value) is unset too.</value>
    [ExistingFile("an item catalogue CSV, or leave it unset")]
    public string? CatalogPath { get; set; }

    /// <summary>Gets or sets how <see cref="CatalogPath"/> is read: its id column (such as a retailer's <c>StockCode</c>), schema,
    /// delimiter and bad-row policy.</summary>
    /// <value>The default is <see cref="ItemCatalogOptions"/> with its defaults: ids in <c>item_id</c>, attributes typed from the data.</value>
    [Required(ErrorMessage = "Catalog is required: leave it at its default or set an ItemCatalogOptions.")]
    [ValidNested]
    public ItemCatalogOptions Catalog { get; set; } = new();

    /// <summary>Gets or sets the kind of model served; a model file of another kind offered for a swap is rejected.</summary>
    /// <value>The default is <see langword="null"/>: the kind of the model loaded at start-up.</value>
    [DefinedEnum("Implicit, Explicit or null")]
    public FactorModelKind? ExpectedKind { get; set; }

    /// <summary>Gets or sets how each served model's <see cref="Recommender"/> answers (seen items, cold start, threads per query).</summary>
    /// <value>The default is <see cref="RecommenderOptions"/> with its defaults.</value>
    [Required(ErrorMessage = "Recommender is required: leave it at its default or set a RecommenderOptions.")]
    [ValidNested]
    public RecommenderOptions Recommender { get; set; } = new();

    /// <summary>Gets or sets the largest number of recommendations one query may ask for.</summary>
    /// <remarks>Guards a server against requests that would copy most of the catalogue per query.</remarks>
    /// <value>The default is 1000.</value>
    [Range(1, 100_000)]
    public int MaxCount { get; set; } = 1000;

    /// <summary>Gets or sets whether the model file is watched and reloaded when it changes.</summary>
    /// <remarks>Replace the file atomically (<see cref="ModelFile.Save"/> does) so no half-written file is read; a file that fails its checks
    /// is rejected and logged, and the old model keeps serving. The file's folder is watched for changes, and the file is also looked at
    /// every 10 seconds (its length, write time and where its links lead), for the replacements that raise no event in that folder: the
    /// folder renamed away and another moved into its place, or a symbolic link on the way pointed elsewhere (a Kubernetes volume's
    /// <c>..data</c>, a deployment's <c>current</c>).</remarks>
    /// <value>The default is <see langword="false"/>.</value>
    public bool WatchForChanges { get; set; }

    /// <summary>Gets or sets how long the model file must stay unchanged after a change before it is reloaded (debounce).</summary>
    /// <remarks>Copying a large file raises many change events; only the last one reloads.</remarks>
    /// <value>The default is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how the live event tracker (the <see cref="ILiveTracker"/> singleton that
    /// <see cref="PersonalizeServiceCollectionExtensions.AddPersonalize"/> registers) keeps state: trending, bounds such as
    /// <see cref="EventTrackerOptions.MaxUsers"/>, and its journal.</summary>
    /// <remarks>The tracker follows the served model: at each accepted swap its state moves, by item id, to a tracker over the new
    /// model's items (see <see cref="ILiveTracker"/>).</remarks>
    /// <value>The default is <see cref="EventTrackerOptions"/> with its defaults: in memory only, unbounded.</value>
    [Required(ErrorMessage = "Tracking is required: leave it at its default or set an EventTrackerOptions.")]
    [ValidNested]
    public EventTrackerOptions Tracking { get; set; } = new();

    /// <summary>Gets or sets the directory of the event tracker's journal, so live events survive a restart: every accepted event is
    /// appended there, snapshots are written, and the tracker replays them when the host starts.</summary>
    /// <remarks>Sets the <see cref="EventJournalOptions.Directory"/> of <see cref="EventTrackerOptions.Journal"/> in <see cref="Tracking"/>
    /// (a journal with the default flush policy when <see cref="Tracking"/> has none). Use one directory per process. At a swap the
    /// directory is handed to the tracker over the new model (a snapshot, then the new tracker opens it). The tracker is disposed (the
    /// journal flushed and closed) with the service provider.</remarks>
    /// <value>The default is <see langword="null"/>: unless <see cref="Tracking"/> has a journal, live events are lost on restart.</value>
    [UsableDirectory("a folder for the journal (it is created when missing)")]
    public string? JournalDirectory { get; set; }

    /// <summary>Gets or sets the clock of the service: "now" for the live tracker's surfaces (trending, buy again), the reload delay and
    /// the query timings.</summary>
    /// <remarks>Set it to give this service a clock of its own without registering a <see cref="System.TimeProvider"/> for the whole
    /// container (where other components would read it too), such as an app whose "now" is shifted to replay sample data.</remarks>
    /// <value>The default is <see langword="null"/>: the registered <see cref="System.TimeProvider"/>, or <see cref="System.TimeProvider.System"/>
    /// when none is registered.</value>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>The tracker options with <see cref="JournalDirectory"/> applied.</summary>
    internal EventTrackerOptions EffectiveTracking() => string.IsNullOrWhiteSpace(JournalDirectory)
        ? Tracking
        : Tracking with { Journal = (Tracking.Journal ?? new EventJournalOptions(JournalDirectory)) with { Directory = JournalDirectory } };
}
