namespace Personalize.Core.Internal;

/// <summary>A minimal growable array of unmanaged values: like <see cref="List{T}"/>, but with span access and no version checks.</summary>
internal struct GrowableArray<T>(int capacity)
    where T : unmanaged
{
    private T[] _items = new T[Math.Max(capacity, 4)];
    private int _count;

    public readonly int Count => _count;

    public void Add(T value)
    {
        if (_count == _items.Length)
        {
            EnsureCapacity(_items.Length * 2);
        }

        _items[_count++] = value;
    }

    /// <summary>Makes room for <paramref name="capacity"/> values in total, with one copy.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _items.Length)
        {
            T[] items = GC.AllocateUninitializedArray<T>(capacity);
            _items.AsSpan(0, _count).CopyTo(items);
            _items = items;
        }
    }

    /// <summary>The values as an array of exactly <see cref="Count"/>: the backing array itself when it is full, else a copy.</summary>
    public readonly T[] ToArray() => _count == _items.Length ? _items : _items.AsSpan(0, _count).ToArray();

    public readonly Span<T> AsSpan() => _items.AsSpan(0, _count);
}
