using System.ComponentModel.DataAnnotations;

namespace Personalize.Core.Data;

/// <summary>How <see cref="ItemCatalog"/> reads an items CSV. Immutable and thread-safe.</summary>
public sealed record ItemCatalogOptions : IValidatableObject
{
    /// <summary>Gets the column of the item id.</summary>
    /// <value>The default is <c>item_id</c>.</value>
    [Required(AllowEmptyStrings = false)]
    public string IdColumn { get; init; } = CsvInteractionReaderDefaults.ItemColumn;

    /// <summary>Gets the types of the attribute columns. Columns it does not name are typed by <see cref="ItemCatalog.InferType"/>.</summary>
    /// <value>The default is <see langword="null"/>: every column's type is inferred.</value>
    public CatalogSchema? Schema { get; init; }

    /// <summary>Gets the separator of the values in a <see cref="AttributeType.Tags"/> column.</summary>
    /// <value>The default is <c>|</c>.</value>
    public char TagSeparator { get; init; } = '|';

    /// <summary>Gets the field delimiter, one character, or <see langword="null"/> to detect it from the header (<c>,</c> <c>;</c> tab or
    /// <c>|</c>).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Delimiter { get; init; }

    /// <summary>Gets the longest accepted item id, in UTF-8 bytes after trimming; a row with a longer id is a bad row (see
    /// <see cref="BadRows"/>).</summary>
    /// <value>The default is 1,024 bytes, as for <see cref="CsvInteractionReaderOptions.MaxIdLength"/>.</value>
    [Range(1, int.MaxValue)]
    public int MaxIdLength { get; init; } = CsvInteractionReaderDefaults.MaxIdLength;

    /// <summary>Gets what happens to a row that cannot be accepted (a missing or repeated id, a value of the wrong type).</summary>
    /// <value>The default is <see cref="BadRowPolicy.Fail"/>.</value>
    public BadRowPolicy BadRows { get; init; } = BadRowPolicy.Fail;

    /// <summary>Gets how many rejected rows the report keeps; all are counted.</summary>
    /// <value>The default is 1000.</value>
    [Range(0, int.MaxValue)]
    public int MaxReportedRejections { get; init; } = CsvInteractionReaderDefaults.MaxReportedRejections;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Delimiter is not null && (Delimiter.Length != 1 || Delimiter[0] is '\n' or '\r' or '"'))
        {
            // A delimiter of several characters (as logs take with CsvInteractionReaderOptions.Delimiter) is not read by the catalogue
            // reader: it was ignored, and the header read as one column.
            yield return Internal.OptionsValidation.Error(nameof(Delimiter), Delimiter, "must be one character other than a quote or a line break.");
        }

        if (TagSeparator is '"' or '\n' or '\r' || (Delimiter is { Length: 1 } d && d[0] == TagSeparator))
        {
            yield return Internal.OptionsValidation.Error(nameof(TagSeparator), TagSeparator.ToString(),
                "must be a character other than a quote, a line break and the delimiter.");
        }
    }
}
