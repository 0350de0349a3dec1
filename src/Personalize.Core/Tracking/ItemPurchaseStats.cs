namespace Personalize.Core.Tracking;

/// <summary>How an item (or a category) is re-bought across users: the repeat-purchase signal of buy again. Guarded by the tracker's
/// purchase locks.</summary>
internal struct ItemPurchaseStats
{
    /// <summary>Users who bought the item at least once.</summary>
    public int Buyers;

    /// <summary>Users who bought it in at least two separate orders.</summary>
    public int RepeatBuyers;

    /// <summary>Observed intervals between two consecutive orders of one user.</summary>
    public int Intervals;

    /// <summary>Sum of ln(interval in days) over those intervals: their geometric mean is the typical interval.</summary>
    public double SumLogIntervalDays;

    /// <summary>Counts one purchase that is not part of an order already counted.</summary>
    public void Add(PurchaseChange change, double logIntervalDays)
    {
        if (change == PurchaseChange.FirstOrder)
        {
            Buyers++;
            return;
        }

        if (change == PurchaseChange.SecondOrder)
        {
            RepeatBuyers++;
        }

        Intervals++;
        SumLogIntervalDays += logIntervalDays;
    }
}
