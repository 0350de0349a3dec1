namespace Personalize.Core.Filtering;

/// <summary>The kinds of <see cref="FilterToken"/> that <see cref="FilterLexer"/> reads from filter text.</summary>
internal enum FilterTokenKind
{
    End,
    Name,
    Keyword,
    String,
    Number,
    OpenParenthesis,
    CloseParenthesis,
    Comma,
    Equal,
    NotEqual,
    AtLeast,
    AtMost,
    Greater,
    Less,
    Error,
}
