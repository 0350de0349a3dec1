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
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[_count++] = value;
    }

    public readonly Span<T> AsSpan() => _items.AsSpan(0, _count);
}
