using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Personalize.Core.Training;

/// <summary>One rating of a training cell: the rows of its user and item in their <see cref="SgdTable"/>s, and the scaled rating.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct Entry(int User, int Item, float Rating);

/// <summary>
/// Renumbers the entities of one side so that each block's entities are contiguous: the threads of block-parallel SGD then write
/// disjoint ranges of memory (no cache line is shared between two threads except at a block's edge).
/// </summary>
internal sealed class BlockLayout
{
    /// <summary>Creates the layout of entities dealt into <paramref name="blocks"/> groups.</summary>
    /// <param name="group">The group of each entity, in [0, blocks).</param>
    /// <param name="blocks">The number of groups.</param>
    public BlockLayout(int[] group, int blocks)
    {
        Group = group;
        var start = new int[blocks + 1];
        foreach (int g in group)
        {
            start[g + 1]++;
        }

        for (int g = 0; g < blocks; g++)
        {
            start[g + 1] += start[g];
        }

        Row = new int[group.Length];
        for (int entity = 0; entity < group.Length; entity++)
        {
            Row[entity] = start[group[entity]]++;
        }
    }

    /// <summary>Gets the group of each entity.</summary>
    public int[] Group { get; }

    /// <summary>Gets the row of each entity in the training tables (entities of one group are contiguous, in index order).</summary>
    public int[] Row { get; }

    /// <summary>Gets the number of entities.</summary>
    public int Count => Row.Length;
}

/// <summary>
/// The factors, biases and inverse rating counts of one side while it trains: rows in <see cref="BlockLayout"/> order, each padded
/// to a multiple of 16 floats and 64-byte aligned, so that every row is whole cache lines and vector code needs no scalar tail
/// (the padding is zero and stays zero under the updates).
/// </summary>
internal sealed unsafe class SgdTable
{
    private const int Alignment = 64;
    private readonly BlockLayout _layout;
    private readonly int _rank;
    private readonly float[] _storage;   // pinned: the pointer below stays valid for the table's lifetime

    /// <summary>Copies the initial values into training order.</summary>
    public SgdTable(BlockLayout layout, int rank, float[] factors, float[] bias, float[] inverseCount)
        : this(layout, rank)
    {
        for (int entity = 0; entity < layout.Count; entity++)
        {
            int row = layout.Row[entity];
            factors.AsSpan(entity * rank, rank).CopyTo(new Span<float>(Rows + (nint)row * Stride, rank));
            Bias[row] = bias[entity];
            InverseCount[row] = inverseCount[entity];
        }
    }

    /// <summary>A table of zeros.</summary>
    public SgdTable(BlockLayout layout, int rank)
    {
        _layout = layout;
        _rank = rank;
        Stride = (rank + 15) & ~15;
        int count = layout.Count;
        _storage = GC.AllocateArray<float>(count * Stride + Alignment / sizeof(float), pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_storage));
        int offset = (int)((Alignment - (address % Alignment)) % Alignment) / sizeof(float);
        Rows = (float*)address + offset;
        Bias = new float[count];
        InverseCount = new float[count];
    }

    /// <summary>Gets the first row; row r starts at <c>Rows + r × Stride</c>.</summary>
    public float* Rows { get; }

    /// <summary>Gets the distance between rows, in floats: the rank rounded up to a multiple of 16.</summary>
    public int Stride { get; }

    /// <summary>Gets how many floats the rows span, padding included.</summary>
    private int RowsLength => _layout.Count * Stride;

    /// <summary>Gets the biases, by row.</summary>
    public float[] Bias { get; }

    /// <summary>Gets 1 / (number of ratings) of each row, 0 for none.</summary>
    public float[] InverseCount { get; }

    /// <summary>Sets every factor to zero.</summary>
    public void Clear()
    {
        new Span<float>(Rows, RowsLength).Clear();
        GC.KeepAlive(_storage);
    }

    /// <summary>Gets how many floats <see cref="SaveTo"/> writes: every row, padding included, and every bias.</summary>
    public int SavedLength => RowsLength + Bias.Length;

    /// <summary>Copies part <paramref name="part"/> of <paramref name="parts"/> equal parts of the factors and biases into the same
    /// place of <paramref name="saved"/> (<see cref="SavedLength"/> floats) as they are, for <see cref="RestoreFrom"/>: the parts can
    /// be copied by as many threads.</summary>
    public void SaveTo(float[] saved, int part, int parts)
    {
        int length = RowsLength;
        (int start, int end) = ((int)((long)SavedLength * part / parts), (int)((long)SavedLength * (part + 1) / parts));
        if (start < length)
        {
            int rows = Math.Min(end, length) - start;
            new ReadOnlySpan<float>(Rows + start, rows).CopyTo(saved.AsSpan(start, rows));
        }

        if (end > length)
        {
            int from = Math.Max(start, length);
            Bias.AsSpan(from - length, end - from).CopyTo(saved.AsSpan(from, end - from));
        }

        GC.KeepAlive(_storage);
    }

    /// <summary>The largest absolute factor or bias; NaN when one is NaN.</summary>
    public float MaxMagnitude()
    {
        int length = RowsLength;
        float rows = length == 0 ? 0 : Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(new ReadOnlySpan<float>(Rows, length)));
        GC.KeepAlive(_storage);
        return Bias.Length == 0 ? rows : MathF.Max(rows, Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(Bias)));
    }

    /// <summary>Puts back the factors and biases that <see cref="SaveTo"/> wrote into <paramref name="saved"/>.</summary>
    public void RestoreFrom(float[] saved)
    {
        int length = RowsLength;
        saved.AsSpan(0, length).CopyTo(new Span<float>(Rows, length));
        saved.AsSpan(length, Bias.Length).CopyTo(Bias);
        GC.KeepAlive(_storage);
    }

    /// <summary>Copies the factors and biases back into entity order.</summary>
    public void CopyTo(float[] factors, float[] bias)
    {
        GC.KeepAlive(_storage);
        for (int entity = 0; entity < _layout.Count; entity++)
        {
            int row = _layout.Row[entity];
            new ReadOnlySpan<float>(Rows + (nint)row * Stride, _rank).CopyTo(factors.AsSpan(entity * _rank, _rank));
            bias[entity] = Bias[row];
        }
    }
}

/// <summary>
/// The SGD pass over one cell of ratings: for each rating, the prediction error and then one fused update of the user's and the
/// item's factors and biases. Vector code of the widest size the CPU has (512, 256 or 128 bits) over whole padded rows, with the
/// rows of upcoming ratings prefetched.
/// </summary>
/// <remarks>The factors are regularized twice: per entity (each update of a user with n ratings shrinks by λ/n, so over an epoch every
/// user and item is pulled towards zero by λ once, as a prior would) and per rating (every update shrinks by λ_r, so a user's pull
/// grows with their ratings: the weighted-λ of Zhou et al. 2008). The biases are regularized per entity only.</remarks>
internal sealed unsafe class SgdKernel(SgdTable users, SgdTable items, float mean, float factorRegularization, float ratingRegularization,
    float biasRegularization)
{
    /// <summary>How many ratings ahead the rows are prefetched.</summary>
    private const int Lookahead = 4;

    /// <summary>Runs one pass over <paramref name="cell"/> and returns the sum of squared errors seen.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimized from the first call: no slow first epoch
    public double Run(Entry[] cell, float learningRate)
    {
        double squared = 0;
        // A step pulls a value at most all the way to zero: with learning rate × λ / n above 1 a plain step would overshoot past
        // zero and diverge. Below that bound the arithmetic is unchanged.
        float maxPull = 1 / learningRate;
        float* p = users.Rows, q = items.Rows;
        int stride = users.Stride;
        int length = cell.Length;
        fixed (Entry* entries = cell)
        fixed (float* userBias = users.Bias, itemBias = items.Bias, userInverse = users.InverseCount, itemInverse = items.InverseCount)
        {
            for (int n = 0; n < length; n++)
            {
                if (Sse.IsSupported && n + Lookahead < length)
                {
                    Entry next = entries[n + Lookahead];
                    Prefetch(p + (nint)next.User * stride, stride);
                    Prefetch(q + (nint)next.Item * stride, stride);
                }

                Entry entry = entries[n];
                int u = entry.User, i = entry.Item;
                float* x = p + (nint)u * stride;
                float* y = q + (nint)i * stride;
                float error = entry.Rating - (mean + userBias[u] + itemBias[i] + Dot(x, y, stride));
                squared += error * error;
                float inverseUser = userInverse[u], inverseItem = itemInverse[i];
                userBias[u] += learningRate * (error - MathF.Min(biasRegularization * inverseUser, maxPull) * userBias[u]);
                itemBias[i] += learningRate * (error - MathF.Min(biasRegularization * inverseItem, maxPull) * itemBias[i]);
                Update(x, y, stride, MathF.Max(0, 1 - learningRate * (factorRegularization * inverseUser + ratingRegularization)),
                    MathF.Max(0, 1 - learningRate * (factorRegularization * inverseItem + ratingRegularization)), learningRate * error);
            }
        }

        GC.KeepAlive(users);
        GC.KeepAlive(items);
        return squared;
    }

    /// <summary>Runs one pass over <paramref name="cell"/> (of item block <paramref name="block"/>, each user's ratings together) with
    /// the users represented by p_u + z_u (<see cref="RatedItems"/>). For each user: the block's part of z_u from the current y, then
    /// the SGD steps of the user's ratings (the prediction and the item update use p_u + z_u, the user update moves p_u), adding
    /// err × q_i (q before the update) to the user's y gradient, then one step of the y of the rated items. Returns the sum of squared
    /// errors seen.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Run(Entry[] cell, float learningRate, RatedItems rated, int block)
    {
        double squared = 0;
        float maxPull = 1 / learningRate;
        float* p = users.Rows, q = items.Rows, sums = rated.Sums.Rows, parts = rated.Parts.Rows, implicitRows = rated.Implicit.Rows;
        int stride = users.Stride, blocks = rated.Blocks;
        int length = cell.Length;
        float* part = stackalloc float[stride];
        float* gradient = stackalloc float[stride];
        float implicitRegularization = rated.ImplicitRegularization, implicitRatingRegularization = rated.ImplicitRatingRegularization;
        fixed (Entry* entries = cell)
        fixed (float* userBias = users.Bias, itemBias = items.Bias, userInverse = users.InverseCount, itemInverse = items.InverseCount,
            norms = rated.Norm, counts = rated.Count)
        {
            int first = 0;
            while (first < length)
            {
                int u = entries[first].User, last = first + 1;
                while (last < length && entries[last].User == u)
                {
                    last++;
                }

                // This block's part of z_u, from the current y.
                float norm = norms[u];
                new Span<float>(part, stride).Clear();
                for (int n = first; n < last; n++)
                {
                    Add(part, implicitRows + (nint)entries[n].Item * stride, stride);
                }

                float* z = sums + (nint)u * stride;
                float* cached = parts + (((nint)u * blocks) + block) * stride;
                for (int d = 0; d < stride; d++)
                {
                    float value = part[d] * norm;
                    z[d] += value - cached[d];
                    cached[d] = value;
                }

                new Span<float>(gradient, stride).Clear();
                float* x = p + (nint)u * stride;
                float inverseUser = userInverse[u];
                float shrinkUser = MathF.Max(0, 1 - learningRate * (factorRegularization * inverseUser + ratingRegularization));
                for (int n = first; n < last; n++)
                {
                    if (Sse.IsSupported && n + Lookahead < length)
                    {
                        Prefetch(q + (nint)entries[n + Lookahead].Item * stride, stride);
                    }

                    Entry entry = entries[n];
                    int i = entry.Item;
                    float* y = q + (nint)i * stride;
                    float error = entry.Rating - (mean + userBias[u] + itemBias[i] + Dot(x, y, stride) + Dot(z, y, stride));
                    squared += error * error;
                    float inverseItem = itemInverse[i];
                    userBias[u] += learningRate * (error - MathF.Min(biasRegularization * inverseUser, maxPull) * userBias[u]);
                    itemBias[i] += learningRate * (error - MathF.Min(biasRegularization * inverseItem, maxPull) * itemBias[i]);
                    UpdateWithSums(x, y, z, gradient, stride, shrinkUser,
                        MathF.Max(0, 1 - learningRate * (factorRegularization * inverseItem + ratingRegularization)), learningRate * error, error);
                }

                // One step of the rated items' y: the gradient of this block's ratings, scaled to estimate that of all the user's.
                float count = counts[u];
                float step = learningRate * norm * count / (last - first);
                for (int n = first; n < last; n++)
                {
                    int j = entries[n].Item;
                    float shrink = MathF.Max(0, 1 - learningRate * ((implicitRegularization * itemInverse[j]) + (implicitRatingRegularization * count)));
                    Axpby(implicitRows + (nint)j * stride, shrink, gradient, step, stride);
                }

                first = last;
            }
        }

        GC.KeepAlive(users);
        GC.KeepAlive(items);
        GC.KeepAlive(rated);
        return squared;
    }

    /// <summary>x ← x + y over padded rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(float* x, float* y, int length)
    {
        for (int d = 0; d < length; d += 4)
        {
            (Vector128.Load(x + d) + Vector128.Load(y + d)).Store(x + d);
        }
    }

    /// <summary>y ← y·shrink + step·g over padded rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpby(float* y, float shrink, float* g, float step, int length)
    {
        Vector128<float> s = Vector128.Create(shrink), t = Vector128.Create(step);
        for (int d = 0; d < length; d += 4)
        {
            Vector128.FusedMultiplyAdd(Vector128.Load(g + d), t, Vector128.Load(y + d) * s).Store(y + d);
        }
    }

    /// <summary>g ← g + error·y, x ← x·shrinkX + step·y and y ← y·shrinkY + step·(x + z) (with the old x and y), over padded rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateWithSums(float* x, float* y, float* z, float* g, int length, float shrinkX, float shrinkY, float step, float error)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> sx = Vector256.Create(shrinkX), sy = Vector256.Create(shrinkY), t = Vector256.Create(step), e = Vector256.Create(error);
            for (int d = 0; d < length; d += 8)
            {
                Vector256<float> xv = Vector256.Load(x + d), yv = Vector256.Load(y + d);
                Vector256.FusedMultiplyAdd(yv, e, Vector256.Load(g + d)).Store(g + d);
                Vector256.FusedMultiplyAdd(xv, sx, yv * t).Store(x + d);
                Vector256.FusedMultiplyAdd(yv, sy, (xv + Vector256.Load(z + d)) * t).Store(y + d);
            }

            return;
        }

        Vector128<float> sx4 = Vector128.Create(shrinkX), sy4 = Vector128.Create(shrinkY), t4 = Vector128.Create(step), e4 = Vector128.Create(error);
        for (int d = 0; d < length; d += 4)
        {
            Vector128<float> xv = Vector128.Load(x + d), yv = Vector128.Load(y + d);
            Vector128.FusedMultiplyAdd(yv, e4, Vector128.Load(g + d)).Store(g + d);
            Vector128.FusedMultiplyAdd(xv, sx4, yv * t4).Store(x + d);
            Vector128.FusedMultiplyAdd(yv, sy4, (xv + Vector128.Load(z + d)) * t4).Store(y + d);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(float* row, int stride)
    {
        for (int d = 0; d < stride; d += 16)
        {
            Sse.Prefetch0(row + d);
        }
    }

    /// <summary>The dot product of two padded rows (length a multiple of 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(float* x, float* y, int length)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> sum = Vector512<float>.Zero;
            for (int d = 0; d < length; d += 16)
            {
                sum = Vector512.FusedMultiplyAdd(Vector512.Load(x + d), Vector512.Load(y + d), sum);
            }

            return Vector512.Sum(sum);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a = Vector256<float>.Zero, b = Vector256<float>.Zero;
            for (int d = 0; d < length; d += 16)
            {
                a = Vector256.FusedMultiplyAdd(Vector256.Load(x + d), Vector256.Load(y + d), a);
                b = Vector256.FusedMultiplyAdd(Vector256.Load(x + d + 8), Vector256.Load(y + d + 8), b);
            }

            return Vector256.Sum(a + b);
        }

        Vector128<float> s = Vector128<float>.Zero;
        for (int d = 0; d < length; d += 4)
        {
            s = Vector128.FusedMultiplyAdd(Vector128.Load(x + d), Vector128.Load(y + d), s);
        }

        return Vector128.Sum(s);
    }

    /// <summary>x ← x·shrinkX + step·y and y ← y·shrinkY + step·x (with the old x), in one pass over padded rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* x, float* y, int length, float shrinkX, float shrinkY, float step)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> sx = Vector512.Create(shrinkX), sy = Vector512.Create(shrinkY), t = Vector512.Create(step);
            for (int d = 0; d < length; d += 16)
            {
                Vector512<float> xv = Vector512.Load(x + d), yv = Vector512.Load(y + d);
                Vector512.FusedMultiplyAdd(xv, sx, yv * t).Store(x + d);
                Vector512.FusedMultiplyAdd(yv, sy, xv * t).Store(y + d);
            }

            return;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> sx = Vector256.Create(shrinkX), sy = Vector256.Create(shrinkY), t = Vector256.Create(step);
            for (int d = 0; d < length; d += 8)
            {
                Vector256<float> xv = Vector256.Load(x + d), yv = Vector256.Load(y + d);
                Vector256.FusedMultiplyAdd(xv, sx, yv * t).Store(x + d);
                Vector256.FusedMultiplyAdd(yv, sy, xv * t).Store(y + d);
            }

            return;
        }

        Vector128<float> sx4 = Vector128.Create(shrinkX), sy4 = Vector128.Create(shrinkY), t4 = Vector128.Create(step);
        for (int d = 0; d < length; d += 4)
        {
            Vector128<float> xv = Vector128.Load(x + d), yv = Vector128.Load(y + d);
            Vector128.FusedMultiplyAdd(xv, sx4, yv * t4).Store(x + d);
            Vector128.FusedMultiplyAdd(yv, sy4, xv * t4).Store(y + d);
        }
    }
}
