using Personalize.Core.Data;

namespace Personalize.Core.Filtering;

/// <summary>Reads and writes the text syntax of filters, for URLs, configuration files and the command line.</summary>
/// <remarks>
/// <para><b>Grammar.</b> Keywords are matched in any case; names are case-sensitive. White space (space, tab, carriage return, line feed)
/// separates tokens and is otherwise ignored.</para>
/// <code>
/// filter     = or-expr
/// or-expr    = and-expr { "or" and-expr }
/// and-expr   = unary { "and" unary }
/// unary      = "not" "seen" | "not" "bought" | "not" unary | primary
/// primary    = "(" or-expr ")" | condition
/// condition  = name                                         (* a Boolean attribute is true *)
///            | name ( "=" | "!=" ) ( string | number | "true" | "false" )
///            | name ( ">=" | "&lt;=" | ">" | "&lt;" ) ordered
///            | name "between" ordered "and" ordered        (* both ends included, low first *)
///            | name "in" "(" value { "," value } ")"          (* all strings or all numbers *)
///            | name "exists"
///            | name "contains" ( "any" | "all" ) "(" string { "," string } ")"
///            | name "under" string                          (* a category path such as "Kitchen/Coffee" *)
/// ordered    = number | string                              (* the string is an ISO 8601 date-time *)
/// value      = string | number
/// name       = [A-Za-z_][A-Za-z0-9_]*, other than a keyword
/// string     = '"' { any character but '"' and '\', or '\"', or '\\' } '"'
/// number     = [ "-" ] digit { digit } [ "." digit { digit } ]  (* invariant culture, read as decimal *)
/// keywords   = and or not in between exists contains any all under seen bought true false
/// </code>
/// <para>So <c>not</c> binds tighter than <c>and</c>, which binds tighter than <c>or</c>: <c>not a and b or c</c> is
/// <c>((not a) and b) or c</c>. <c>a != v</c> means <c>not a = v</c>, <c>a = true</c> means <c>a</c> and <c>a = false</c> is
/// <see cref="FilterKind.IsFalse"/>. Date-times are written in quotes as <c>"2024-01-31"</c>, <c>"2024-01-31T12:00"</c>,
/// <c>"2024-01-31T12:00:00.5Z"</c> or <c>"2024-01-31T12:00:00+02:00"</c>; without an offset they are UTC.</para>
/// <para>Example: <c>brand in ("Acme", "Zen") and price between 10 and 50 and rating >= 4 and not category under "Refurbished" and not bought</c>.</para>
/// <para><b>Types.</b> Without a schema only the syntax is checked, and the value's form gives its type: a quoted value is text after
/// <c>=</c>, <c>in</c>, <c>contains</c> and <c>under</c>, and a date-time after <c>between</c> and the comparisons. With a
/// <see cref="CatalogSchema"/>, every attribute must be in it and take the operator and the value (see <see cref="AttributeType"/>).</para>
/// <para><b>Untrusted input.</b> Parsing is one pass without backtracking or regular expressions, and is bounded by
/// <see cref="MaxLength"/>, <see cref="MaxDepth"/> and <see cref="MaxListSize"/>; each limit has its own <see cref="FilterErrorCode"/>.</para>
/// <para><b>Format.</b> <see cref="Format"/> writes the canonical text: keywords in lower case, single spaces, numbers without trailing
/// zeros, date-times in UTC, parentheses only where needed, and <c>!=</c> and <c>= true</c> in their long forms. Parsing it gives an
/// equal filter, and formatting that filter gives the same text.</para>
/// <para>All members are thread-safe.</para>
/// </remarks>
public static class FilterText
{
    /// <summary>The longest filter text, in characters, that <see cref="Parse"/> reads: 4,096.</summary>
    /// <remarks>No <see cref="Filter"/> formats to longer text.</remarks>
    public const int MaxLength = 4096;

    /// <summary>The deepest nesting allowed: 32 levels of parentheses and <c>not</c> in text, and 32 levels in a <see cref="Filter"/> tree.</summary>
    public const int MaxDepth = 32;

    /// <summary>The most values allowed in one <c>in</c> or <c>contains</c> list: 256.</summary>
    public const int MaxListSize = 256;

    /// <summary>Parses filter text. Never throws: even <see langword="null"/> text gives a failed result.</summary>
    /// <param name="text">The filter text; see the grammar in the remarks of <see cref="FilterText"/>.</param>
    /// <param name="schema">The catalogue's attributes and their types; when given, unknown attributes and operators or values that
    /// do not fit an attribute's type are errors. Without it, only the syntax is checked.</param>
    /// <returns>The filter, or a <see cref="FilterSyntaxException"/> naming the error's position, what was expected and what was found.</returns>
    public static FilterParseResult Parse(string? text, CatalogSchema? schema = null) => FilterParser.Parse(text, schema);

    /// <summary>Writes a filter as canonical text, which <see cref="Parse"/> reads back to an equal filter.</summary>
    /// <param name="filter">The filter.</param>
    /// <returns>The text, at most <see cref="MaxLength"/> characters long; the same as <see cref="Filter.ToString"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is <see langword="null"/>.</exception>
    public static string Format(Filter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter.Text;
    }
}
