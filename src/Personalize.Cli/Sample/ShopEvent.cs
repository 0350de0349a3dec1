namespace Personalize.Cli.Sample;

/// <summary>One row of <c>events.csv</c>; orders by time, user, item, kind, quantity.</summary>
/// <param name="Timestamp">Unix seconds.</param>
/// <param name="User">User index.</param>
/// <param name="Item">Item index.</param>
/// <param name="Kind">Event kind.</param>
/// <param name="Quantity">Quantity (1 for views).</param>
internal readonly record struct ShopEvent(long Timestamp, int User, int Item, EventKind Kind, int Quantity) : IComparable<ShopEvent>
{
    /// <summary>Total order used to sort the log.</summary>
    /// <param name="other">The other event.</param>
    /// <returns>Sign of the comparison.</returns>
    public int CompareTo(ShopEvent other)
    {
        int c = Timestamp.CompareTo(other.Timestamp);
        if (c != 0)
        {
            return c;
        }

        c = User.CompareTo(other.User);
        if (c != 0)
        {
            return c;
        }

        c = Item.CompareTo(other.Item);
        if (c != 0)
        {
            return c;
        }

        c = ((byte)Kind).CompareTo((byte)other.Kind);
        return c != 0 ? c : Quantity.CompareTo(other.Quantity);
    }
}
