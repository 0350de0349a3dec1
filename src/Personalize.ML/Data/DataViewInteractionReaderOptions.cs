using System.ComponentModel.DataAnnotations;

namespace Personalize.Core.Data;

/// <summary>Which columns of an ML.NET <c>IDataView</c> hold what, for <see cref="DataViewInteractionReader"/>. Immutable and thread-safe.</summary>
public sealed record DataViewInteractionReaderOptions
{
    /// <summary>Gets the user id column: text, or a key (as made by <c>MapValueToKey</c>), or an integer.</summary>
    /// <value>The default is <c>user_id</c>.</value>
    [Required(AllowEmptyStrings = false)]
    public string UserColumnName { get; init; } = "user_id";

    /// <summary>Gets the item id column: text, a key, or an integer.</summary>
    /// <value>The default is <c>item_id</c>.</value>
    [Required(AllowEmptyStrings = false)]
    public string ItemColumnName { get; init; } = "item_id";

    /// <summary>Gets the text column of the event type, or <see langword="null"/> for none (every row weighs 1).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? EventColumnName { get; init; }

    /// <summary>Gets the timestamp column (<c>DateTime</c>, <c>DateTimeOffset</c>, or Unix seconds as a number), or <see langword="null"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? TimestampColumnName { get; init; }

    /// <summary>Gets a numeric column that multiplies each row's event weight (such as a label or a count), or <see langword="null"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? WeightColumnName { get; init; }

    /// <summary>Gets a numeric column of explicit ratings (for <see cref="RatingMatrix.FromLog"/>), or <see langword="null"/>.</summary>
    /// <remarks>A row whose rating is not a finite number is rejected.</remarks>
    /// <value>The default is <see langword="null"/>.</value>
    public string? RatingColumnName { get; init; }

    /// <summary>Gets the event types and their weights.</summary>
    /// <value>The default is <see cref="EventWeights.Default"/>.</value>
    [Required]
    public EventWeights EventWeights { get; init; } = EventWeights.Default;

    /// <summary>Gets what happens to a row that cannot be accepted (a missing id, an unknown event type, a bad weight).</summary>
    /// <value>The default is <see cref="BadRowPolicy.Fail"/>.</value>
    public BadRowPolicy BadRows { get; init; } = BadRowPolicy.Fail;

    /// <summary>Gets how many rejected rows the report keeps; all are counted.</summary>
    /// <value>The default is 1000.</value>
    [Range(0, int.MaxValue)]
    public int MaxReportedRejections { get; init; } = 1000;
}
