namespace Personalize.Core.Data;

/// <summary>The type of an item attribute in an <see cref="CatalogSchema"/>: what values it holds and which filters apply to it.</summary>
public enum AttributeType
{
    /// <summary>Text, compared exactly (ordinal, case-sensitive): equals, in, exists.</summary>
    Text = 1,

    /// <summary>A number (prices are decimals): equals, in, between, at least, at most, exists.</summary>
    Number = 2,

    /// <summary>True or false: is true, is false, exists.</summary>
    Boolean = 3,

    /// <summary>An instant (ISO 8601): between, at least (on or after), at most (on or before), exists.</summary>
    DateTime = 4,

    /// <summary>A set of tags: contains any, contains all, exists.</summary>
    Tags = 5,

    /// <summary>A hierarchical path such as <c>Kitchen/Coffee</c>: under a path (the path itself or below), equals, exists.</summary>
    Category = 6,
}
