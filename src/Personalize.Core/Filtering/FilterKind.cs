namespace Personalize.Core.Filtering;

/// <summary>What a <see cref="Filter"/> node tests: read <see cref="Filter.Kind"/> first, then the properties that kind uses.</summary>
/// <remarks>
/// <para>Attribute conditions use <see cref="Filter.Attribute"/> and <see cref="Filter.Values"/>; <see cref="And"/>, <see cref="Or"/> and
/// <see cref="Not"/> use <see cref="Filter.Operands"/>; <see cref="NotSeen"/> and <see cref="NotBought"/> use neither. The text after each
/// member is how <see cref="FilterText.Format"/> writes it.</para>
/// <para>An item that lacks the attribute matches none of the attribute conditions (not even <see cref="IsFalse"/>); wrap a condition in
/// <see cref="Not"/> to match everything else, including items without the attribute.</para>
/// </remarks>
public enum FilterKind
{
    /// <summary>The attribute equals the single value (text or number): <c>brand = "acme"</c>, <c>price = 10</c>.</summary>
    EqualTo = 1,

    /// <summary>The attribute equals one of the values (all text or all numbers, in the order given): <c>brand in ("acme", "zeta")</c>.</summary>
    In = 2,

    /// <summary>The attribute lies between the two values, both ends included (numbers or date-times, low first): <c>price between 10 and 50</c>.</summary>
    Between = 3,

    /// <summary>The attribute is at least the value (number, or date-time on or after): <c>rating &gt;= 4</c>.</summary>
    AtLeast = 4,

    /// <summary>The attribute is at most the value (number, or date-time on or before): <c>price &lt;= 50</c>.</summary>
    AtMost = 5,

    /// <summary>The attribute is greater than the value (number, or date-time after): <c>price &gt; 10</c>.</summary>
    GreaterThan = 6,

    /// <summary>The attribute is less than the value (number, or date-time before): <c>price &lt; 50</c>.</summary>
    LessThan = 7,

    /// <summary>The item has a value for the attribute, of any kind: <c>brand exists</c>. <see cref="Filter.Values"/> is empty.</summary>
    Exists = 8,

    /// <summary>The Boolean attribute is true: <c>in_stock</c>. <see cref="Filter.Values"/> is empty.</summary>
    IsTrue = 9,

    /// <summary>The Boolean attribute is false (items without it do not match): <c>in_stock = false</c>. <see cref="Filter.Values"/> is empty.</summary>
    IsFalse = 10,

    /// <summary>The tags attribute holds at least one of the text values: <c>tags contains any ("red", "blue")</c>.</summary>
    ContainsAny = 11,

    /// <summary>The tags attribute holds every one of the text values: <c>tags contains all ("red", "blue")</c>.</summary>
    ContainsAll = 12,

    /// <summary>The category attribute is the path in the single text value or lies below it: <c>category under "Kitchen/Coffee"</c>.</summary>
    Under = 13,

    /// <summary>Every operand matches: <c>a and b and c</c>. Has two or more <see cref="Filter.Operands"/>, none of them an <see cref="And"/>.</summary>
    And = 14,

    /// <summary>At least one operand matches: <c>a or b or c</c>. Has two or more <see cref="Filter.Operands"/>, none of them an <see cref="Or"/>.</summary>
    Or = 15,

    /// <summary>The single operand does not match: <c>not a</c>, <c>not (a or b)</c>.</summary>
    Not = 16,

    /// <summary>A per-user rule: the item is not one the user has already seen (viewed or otherwise interacted with): <c>not seen</c>.</summary>
    /// <remarks>It is evaluated against the history of the user being recommended to; a filter holds only the rule.</remarks>
    NotSeen = 17,

    /// <summary>A per-user rule: the item is not one the user has already bought: <c>not bought</c>.</summary>
    /// <remarks>It is evaluated against the history of the user being recommended to; a filter holds only the rule.</remarks>
    NotBought = 18,
}
