using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Core.Serving;

/// <summary>
/// The store's unit of swapping: an immutable (model, recommender, version, source), reference-counted. The store holds one reference
/// while the snapshot is current and every lease holds one more; the last release disposes the recommender.
/// </summary>
internal sealed class ModelSnapshot
{
    private int _references = 1;

    public ModelSnapshot(FactorModel model, Recommender recommender, long version, string source)
    {
        Model = model;
        Recommender = recommender;
        Version = version;
        Source = source;
    }

    public FactorModel Model { get; }

    public Recommender Recommender { get; }

    public long Version { get; }

    public string Source { get; }

    /// <summary>Gets whether the last reference was released and the recommender disposed.</summary>
    public bool IsReleased => Volatile.Read(ref _references) == 0;

    /// <summary>Adds a reference unless the snapshot was already released for good (then a newer one is current).</summary>
    public bool TryAddReference()
    {
        int references = Volatile.Read(ref _references);
        while (references > 0)
        {
            int seen = Interlocked.CompareExchange(ref _references, references + 1, references);
            if (seen == references)
            {
                return true;
            }

            references = seen;
        }

        return false;
    }

    public void Release()
    {
        int references = Interlocked.Decrement(ref _references);
        if (references == 0)
        {
            Recommender.Dispose();
        }
        else if (references < 0)
        {
            throw new InvalidOperationException("A model snapshot was released more often than it was referenced.");
        }
    }
}
