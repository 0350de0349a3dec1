namespace Personalize.Core.Filtering;

/// <summary>The keywords of the filter syntax, in the order of <see cref="FilterSyntax.Keywords"/>.</summary>
internal enum FilterKeyword
{
    And,
    Or,
    Not,
    In,
    Between,
    Exists,
    Contains,
    Any,
    All,
    Under,
    Seen,
    Bought,
    True,
    False,
}
