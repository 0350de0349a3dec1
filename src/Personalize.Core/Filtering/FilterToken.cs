namespace Personalize.Core.Filtering;

/// <summary>A token of filter text: its kind and span, and its content (a name, a string's value, a number, or an error's reason).</summary>
/// <param name="Kind">What the token is.</param>
/// <param name="Start">The 0-based position of its first character.</param>
/// <param name="End">The position just after it.</param>
internal readonly record struct FilterToken(FilterTokenKind Kind, int Start, int End)
{
    /// <summary>Gets a name's text, a string's unescaped value, or an error token's reason.</summary>
    public string? Text { get; init; }

    /// <summary>Gets a number token's value.</summary>
    public decimal Number { get; init; }

    /// <summary>Gets a keyword token's keyword.</summary>
    public FilterKeyword Keyword { get; init; }

    /// <summary>Gets an error token's code.</summary>
    public FilterErrorCode ErrorCode { get; init; }
}
