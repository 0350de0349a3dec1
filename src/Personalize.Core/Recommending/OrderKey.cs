namespace Personalize.Core.Recommending;

/// <summary>An item's place in a list's total order: the sort attribute (already signed so that smaller comes first; NaN = no value,
/// last), then relevance (higher first), then item index (lower first).</summary>
internal readonly record struct OrderKey(double Primary, float Relevance, int Index)
{
    public static readonly IComparer<OrderKey> Ascending = Comparer<OrderKey>.Create(static (a, b) => Compare(a, b));

    public static readonly IComparer<OrderKey> Descending = Comparer<OrderKey>.Create(static (a, b) => Compare(b, a));

    public static int Compare(OrderKey a, OrderKey b)
    {
        bool aMissing = double.IsNaN(a.Primary);
        bool bMissing = double.IsNaN(b.Primary);
        if (aMissing != bMissing)
        {
            return aMissing ? 1 : -1;
        }

        if (!aMissing && a.Primary != b.Primary)
        {
            return a.Primary < b.Primary ? -1 : 1;
        }

        if (a.Relevance != b.Relevance)
        {
            return a.Relevance > b.Relevance ? -1 : 1;
        }

        return a.Index.CompareTo(b.Index);
    }
}
