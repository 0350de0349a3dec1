namespace Personalize.Core.Filtering;

/// <summary>Why filter text could not be parsed; found in <see cref="FilterSyntaxException.ErrorCode"/>.</summary>
/// <remarks>
/// Errors about a missing token (the <c>Expected…</c> codes) are positioned just after the previous token, where the missing token
/// belongs, or at the first token when nothing precedes it. Errors about a token that is present but wrong are positioned at its first
/// character. The codes are stable; the messages may be improved.
/// </remarks>
public enum FilterErrorCode
{
    /// <summary>The text is <see langword="null"/>.</summary>
    NullText = 1,

    /// <summary>The text is empty or only white space.</summary>
    EmptyText = 2,

    /// <summary>The text is longer than <see cref="FilterText.MaxLength"/>, or the filter it describes would be when formatted.</summary>
    TextTooLong = 3,

    /// <summary>Parentheses and <c>not</c> are nested deeper than <see cref="FilterText.MaxDepth"/>, or the filter would be deeper than that.</summary>
    NestingTooDeep = 4,

    /// <summary>A list has more than <see cref="FilterText.MaxListSize"/> values.</summary>
    ListTooLong = 5,

    /// <summary>A character that cannot start any token, such as <c>#</c>, <c>'</c> or a lone <c>!</c>.</summary>
    UnexpectedCharacter = 6,

    /// <summary>A string has no closing double quote.</summary>
    UnterminatedString = 7,

    /// <summary>A backslash in a string is not followed by <c>"</c> or <c>\</c>.</summary>
    InvalidEscape = 8,

    /// <summary>A number is malformed (such as <c>1.</c> or <c>12abc</c>) or outside the range of <see cref="decimal"/>.</summary>
    InvalidNumber = 9,

    /// <summary>A quoted value compared with <c>between</c>, <c>&gt;=</c>, <c>&lt;=</c>, <c>&gt;</c> or <c>&lt;</c> is not an ISO 8601 date-time.</summary>
    InvalidDateTime = 10,

    /// <summary>The path after <c>under</c> is empty or has an empty segment.</summary>
    InvalidCategoryPath = 11,

    /// <summary>Expected a condition (an attribute name, <c>(</c>, or <c>not</c>).</summary>
    ExpectedCondition = 12,

    /// <summary>Expected an operator after an attribute name.</summary>
    ExpectedOperator = 13,

    /// <summary>Expected a value: a string, a number, or (after <c>=</c> and <c>!=</c>) <c>true</c> or <c>false</c>.</summary>
    ExpectedValue = 14,

    /// <summary>Expected a number or a quoted date-time after a comparison or <c>between</c>.</summary>
    ExpectedNumberOrDateTime = 15,

    /// <summary>Expected a string in double quotes (a tag or a category path).</summary>
    ExpectedString = 16,

    /// <summary>Expected <c>(</c> to open a list after <c>in</c> or <c>contains any</c>/<c>contains all</c>.</summary>
    ExpectedOpenParenthesis = 17,

    /// <summary>Expected <c>,</c> or <c>)</c> after a value in a list.</summary>
    ExpectedCommaOrClose = 18,

    /// <summary>Expected <c>)</c> to close a parenthesised group.</summary>
    ExpectedCloseParenthesis = 19,

    /// <summary>Expected <c>and</c> between the two ends of <c>between</c>.</summary>
    ExpectedAnd = 20,

    /// <summary>Expected <c>any</c> or <c>all</c> after <c>contains</c>.</summary>
    ExpectedAnyOrAll = 21,

    /// <summary>Expected <c>and</c>, <c>or</c> or the end of the text after a complete condition.</summary>
    ExpectedEnd = 22,

    /// <summary>The values of one list or range have different types, such as a string and a number.</summary>
    MixedValueTypes = 23,

    /// <summary>The low end of <c>between</c> is greater than the high end.</summary>
    EmptyRange = 24,

    /// <summary>The attribute is not in the <see cref="Data.CatalogSchema"/> given to <see cref="FilterText.Parse"/>.</summary>
    UnknownAttribute = 25,

    /// <summary>The operator does not apply to the attribute's type in the schema, such as <c>between</c> on text or <c>&gt;=</c> on tags.</summary>
    OperatorNotValidForType = 26,

    /// <summary>The value does not have the attribute's type in the schema, such as a string for a number.</summary>
    ValueTypeMismatch = 27,
}
