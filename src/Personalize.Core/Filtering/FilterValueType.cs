namespace Personalize.Core.Filtering;

/// <summary>The type of a <see cref="FilterValue"/>.</summary>
/// <remarks>Booleans are not values: a Boolean test is a node of kind <see cref="FilterKind.IsTrue"/> or <see cref="FilterKind.IsFalse"/>.</remarks>
public enum FilterValueType
{
    /// <summary>Text, compared exactly (ordinal): attribute values, tags and category paths. Written in double quotes.</summary>
    Text = 1,

    /// <summary>A <see cref="decimal"/> number, written with invariant-culture digits such as <c>-12.5</c>.</summary>
    Number = 2,

    /// <summary>An instant, kept in UTC and written in quotes as ISO 8601, such as <c>"2024-01-31T12:00:00Z"</c>.</summary>
    DateTime = 3,
}
