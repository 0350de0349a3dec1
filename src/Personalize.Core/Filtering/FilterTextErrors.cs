namespace Personalize.Core.Filtering;

/// <summary>Every message of the filter text parser and of the filter builders, in one place; tests format these same constants.</summary>
internal static class FilterTextErrors
{
    // The first line of FilterSyntaxException.Message; the reason follows it, then the text and a caret under the error.
    public const string HeaderColumn = "Filter text is invalid at column {0}: {1}";
    public const string HeaderLineColumn = "Filter text is invalid at line {0}, column {1}: {2}";

    // Limits and whole-text problems.
    public const string NullText = "the text is null; pass a filter such as brand = \"acme\".";
    public const string EmptyText = "the text is empty; write a condition such as brand = \"acme\".";
    public const string TextTooLong = "the text is {0:N0} characters long; the limit is {1:N0} characters (FilterText.MaxLength).";
    public const string FormattedTooLong =
        "the filter is {0:N0} characters long as FilterText.Format writes it; the limit is {1:N0} characters (FilterText.MaxLength), so that the text can be read back.";
    public const string NestingTooDeep = "parentheses and 'not' are nested more than {0} deep here; the limit is {0} (FilterText.MaxDepth).";
    public const string FilterTooDeep = "the filter starting here would be {0} levels deep; the limit is {1} (FilterText.MaxDepth).";
    public const string ListTooLong = "the list opened at {0} has more than {1} values; the limit is {1} (FilterText.MaxListSize).";

    // Tokens.
    public const string UnexpectedCharacter = "unexpected character {0}; expected a name, a value, '(', ')', ',' or an operator (=, !=, >=, <=, >, <).";
    public const string LoneExclamationMark = "'!' must be followed by '=' to write '!='; to negate a condition, write 'not' before it.";
    public const string UnterminatedString = "the string that starts here has no closing '\"'; end it with '\"' (write \\\" for a quote inside it).";
    public const string InvalidEscape = "'\\{0}' is not an escape; inside a string only \\\" (a quote) and \\\\ (a backslash) are.";
    public const string InvalidNumber = "'{0}' is not a number; write digits with an optional '-' and decimal point, such as 12 or -0.5.";
    public const string NumberOutOfRange = "{0} is outside the range of numbers, about -7.9e28 to 7.9e28 (decimal).";
    public const string NumberTooPrecise = "{0} has more digits than a number keeps (28 decimal places, 28 or 29 digits in all), so it would be rounded; write fewer.";
    public const string InvalidDateTime =
        "{0} is not an ISO 8601 date-time; write it as \"2024-01-31T12:00:00Z\" (an offset such as +02:00 may replace Z) or as a date, \"2024-01-31\".";

    // What the grammar expected.
    public const string ExpectedCondition = "expected a condition (an attribute name, '(' or 'not'); found {0}.";
    public const string ExpectedConditionPerUserRule = "expected a condition; found {0}: the per-user rules are written 'not seen' and 'not bought'.";
    public const string ExpectedOperator =
        "expected an operator after '{0}' (=, !=, >=, <=, >, <, in, between, exists, contains or under; a Boolean attribute may stand alone); found {1}.";
    public const string ExpectedOperatorForType = "expected an operator after '{0}', a {1} attribute ({2}); found {3}.";
    public const string ExpectedValue = "expected a value after '{0}' (a string in double quotes, a number, true or false); found {1}.";
    public const string ExpectedListValue = "expected a value in the list (a string in double quotes or a number); found {0}.";
    public const string ExpectedNumberOrDateTime = "expected a number or a date-time in quotes after '{0}', such as 10 or \"2024-01-31T12:00:00Z\"; found {1}.";
    public const string ExpectedTag = "expected a tag in double quotes in the list; found {0}.";
    public const string ExpectedPath = "expected a category path in double quotes after 'under', such as \"Kitchen/Coffee\"; found {0}.";
    public const string ExpectedOpenParenthesis = "expected '(' to open the list after '{0}'; found {1}.";
    public const string ExpectedCommaOrClose = "expected ',' or ')' to close the list opened at {0}; found {1}.";
    public const string ExpectedCloseParenthesis = "expected ')' to close the group opened at {0} (or 'and' or 'or' to continue it); found {1}.";
    public const string ExpectedAnd = "expected 'and' between the two ends of 'between', as in price between 10 and 50; found {0}.";
    public const string ExpectedAnyOrAll = "expected 'any' or 'all' after 'contains', as in tags contains any (\"red\", \"blue\"); found {0}.";
    public const string ExpectedEnd = "expected 'and', 'or' or the end of the filter; found {0}.";

    // Meaning.
    public const string MixedValueTypes = "{0} is {1}, but the values before it are {2}; the values of one list or range have one type.";
    public const string EmptyRange = "the range is empty: {0} is greater than {1}; write the low end first (between {1} and {0}).";
    public const string EmptyCategoryPath = "the category path is empty; write one such as \"Kitchen/Coffee\".";
    public const string EmptyCategorySegment = "the category path \"{0}\" has an empty segment; separate non-empty segments with a single '/', such as \"Kitchen/Coffee\".";

    // Schema.
    public const string UnknownAttribute = "unknown attribute '{0}'; the schema has {1}.";
    public const string NoAttributes = "no attributes";
    public const string OperatorNotValidForType = "'{0}' does not apply to '{1}', a {2} attribute; use {3}.";
    public const string ValueTypeMismatch = "'{0}' is a {1} attribute, so expected {2}; found {3}.";

    // The builders (FilterCondition, FilterBuilder, FilterBuilderCondition, Filter).
    public const string BuilderInvalidAttributeName =
        "'{0}' is not a valid attribute name: a name starts with a letter or '_' and continues with letters, digits or '_' (A-Z, a-z, 0-9, _).";
    public const string BuilderKeywordAttributeName =
        "'{0}' is a keyword of the filter text and cannot name an attribute; rename the attribute (the keywords, in any case: {1}).";
    public const string BuilderEmptyList = "{0} needs at least one value.";
    public const string BuilderListTooLong = "{0} takes at most {1} values (FilterText.MaxListSize); split the condition or filter on a coarser attribute.";
    public const string BuilderEmptyRange = "Between({1}, {2}) on '{0}' is empty: the low end is greater than the high end; pass the low end first.";
    public const string BuilderInvalidPath = "The category path is not valid: {0}";
    public const string BuilderTooDeep = "The filter would be {0} levels deep; the limit is {1} (FilterText.MaxDepth), so that its text can be parsed back.";
    public const string BuilderTooLong =
        "The filter's text would be {0:N0} characters long; the limit is {1:N0} (FilterText.MaxLength), so that it can be parsed back.";
    public const string BuilderUsedAfterBuild =
        "Cannot use the FilterBuilder any more after it has been used to build a filter once; create a new FilterBuilder for another filter.";
    public const string BuilderConditionPending =
        "Where(\"{0}\") has no operator yet; finish it with an operator such as EqualTo(...), In(...) or Exists() before calling {1}.";
    public const string BuilderConditionFinished =
        "This Where(\"{0}\") condition already has its operator; call Where(\"{0}\") on the builder again for another condition.";
    public const string BuilderEmpty = "The FilterBuilder has no conditions; add one with Where(...), NotSeen() or NotBought() before Build().";
    public const string BuilderOrWithoutCondition = "Or() needs a condition before it; add one with Where(...) first (Or() cannot come first or twice in a row).";
    public const string BuilderTrailingOr = "The FilterBuilder ends with Or(); add the conditions of the last alternative after it, or remove the Or().";
}
