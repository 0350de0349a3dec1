using Personalize.Core.Data;

namespace Personalize.Core.Models;

/// <summary>
/// A trained latent-factor model: id maps, one factor vector per user and per item, each user's seen items and item popularity.
/// </summary>
/// <remarks>
/// The factors of all items are one contiguous item-major array, so scoring a user against every item is a single sequential scan.
/// Save and load it with <see cref="ModelFile"/>. Instances are immutable and thread-safe; serve them with
/// <see cref="Recommending.Recommender"/>.
/// </remarks>
public sealed partial class FactorModel
{
    private readonly float[] _userFactors;
    private readonly ArraySegment<float> _itemFactors;   // starts on a cache line (AlignedFloats): the top-K scan reads it end to end
    private readonly int[] _seenOffsets;
    private readonly int[] _seenItems;
    private readonly float[] _itemPopularity;
    private readonly float[]? _userBiases;
    private readonly float[]? _itemBiases;
    private readonly float[]? _seenWeights;
    private readonly float _minRating;
    private readonly float _maxRating;

    internal FactorModel(FactorModelKind kind, IdMap users, IdMap items, int numberOfFactors, float[] userFactors, ArraySegment<float> itemFactors,
        int[] seenOffsets, int[] seenItems, float[] itemPopularity, IReadOnlyDictionary<string, string> properties,
        float globalBias = 0, float[]? userBiases = null, float[]? itemBiases = null, float[]? seenWeights = null,
        CooccurrenceIndex? cooccurrence = null)
    {
        if (numberOfFactors < 1 || userFactors.Length != (long)users.Count * numberOfFactors || itemFactors.Count != (long)items.Count * numberOfFactors)
        {
            throw new ArgumentException($"The factor arrays do not match {users.Count} users, {items.Count} items and {numberOfFactors} factors.");
        }

        if (seenOffsets.Length != users.Count + 1 || itemPopularity.Length != items.Count
            || (userBiases is not null && userBiases.Length != users.Count) || (itemBiases is not null && itemBiases.Length != items.Count))
        {
            throw new ArgumentException("The seen-item offsets, popularity or bias arrays do not match the number of users and items.");
        }

        if (seenWeights is not null && seenWeights.Length != seenItems.Length)
        {
            throw new ArgumentException($"The seen-item weights hold {seenWeights.Length} values, but there are {seenItems.Length} seen items.");
        }

        if (cooccurrence is not null && cooccurrence.ItemCount != items.Count)
        {
            throw new ArgumentException($"The co-occurrence index covers {cooccurrence.ItemCount} items, but the model has {items.Count}; build it with the model's Items.");
        }

        if (cooccurrence?.ItemsFingerprint is { } numbering && numbering != items.Fingerprint)
        {
            throw new ArgumentException(
                $"The co-occurrence index is numbered by another set of {items.Count} items (other ids, or another order) than the model's; build it with the model's Items (CooccurrenceIndex.Build(data, items: model.Items)).");
        }

        _contentFingerprint = new Lazy<ulong>(ComputeContentFingerprint, LazyThreadSafetyMode.PublicationOnly);
        Kind = kind;
        Users = users;
        Items = items;
        NumberOfFactors = numberOfFactors;
        _userFactors = userFactors;
        _itemFactors = Internal.AlignedFloats.Align(itemFactors);
        _seenOffsets = seenOffsets;
        _seenItems = seenItems;
        _itemPopularity = itemPopularity;
        Properties = properties;
        GlobalBias = globalBias;
        _userBiases = userBiases;
        _itemBiases = itemBiases;
        _seenWeights = seenWeights;
        Cooccurrence = cooccurrence;
        _minRating = Read(properties, MinRatingProperty, float.NegativeInfinity);
        _maxRating = Read(properties, MaxRatingProperty, float.PositiveInfinity);
        if (_minRating > _maxRating)
        {
            throw new ArgumentException($"The model's rating range is empty ({_minRating} to {_maxRating}).");
        }
    }

    /// <summary>Gets the lowest rating seen in training (explicit models), or negative infinity when the model records none.</summary>
    internal float MinRating => _minRating;

    /// <summary>Gets the highest rating seen in training (explicit models), or positive infinity when the model records none.</summary>
    internal float MaxRating => _maxRating;

    /// <summary>The property that holds the lowest rating seen in training (explicit models).</summary>
    public const string MinRatingProperty = "rating_min";

    /// <summary>The property that holds the highest rating seen in training (explicit models).</summary>
    public const string MaxRatingProperty = "rating_max";

    /// <summary>Gets what the model predicts.</summary>
    public FactorModelKind Kind { get; }

    /// <summary>Gets the map of user ids to user indices.</summary>
    public IdMap Users { get; }

    /// <summary>Gets the map of item ids to item indices.</summary>
    public IdMap Items { get; }

    /// <summary>Gets how many latent factors each user and item has.</summary>
    public int NumberOfFactors { get; }

    /// <summary>Gets descriptive properties saved with the model, such as the trainer and its options.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>Gets the global bias added to every score (0 for implicit models).</summary>
    public float GlobalBias { get; }

    /// <summary>Gets whether the model has per-user and per-item biases (explicit models).</summary>
    public bool HasBiases => _userBiases is not null;

    /// <summary>Gets whether the model keeps the weight of each seen item (models trained by this version do; older files do not).</summary>
    /// <remarks>Folding in a known user's new events and explaining a score need each training interaction's weight.</remarks>
    public bool HasSeenWeights => _seenWeights is not null;

    /// <summary>Gets the co-occurrence index saved with the model, or <see langword="null"/> when it has none.</summary>
    /// <remarks>Related-item queries blend it with the item factors; without it they use the factors alone.</remarks>
    public CooccurrenceIndex? Cooccurrence { get; }

    /// <summary>Gets all user factors, user-major: user <c>u</c> occupies <c>[u * NumberOfFactors, (u + 1) * NumberOfFactors)</c>.</summary>
    public ReadOnlySpan<float> UserFactors => _userFactors;

    /// <summary>A hash of what the model scores with (ids, factors, biases, seen items and popularity), computed once: the same for the
    /// same model loaded in another process, different for a retrained one, so a paging cursor can tell which model it came from.</summary>
    internal ulong ContentFingerprint => _contentFingerprint.Value;

    private readonly Lazy<ulong> _contentFingerprint;

    private ulong ComputeContentFingerprint()
    {
        var hash = new System.IO.Hashing.XxHash3();
        Span<byte> head = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(head, Users.Fingerprint);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(head[8..], Items.Fingerprint);
        hash.Append(head);
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_userFactors.AsSpan()));
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_itemFactors.AsSpan()));
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_userBiases.AsSpan()));
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_itemBiases.AsSpan()));
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_itemPopularity.AsSpan()));

        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_seenOffsets.AsSpan()));
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_seenItems.AsSpan()));
        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>Gets all item factors, item-major: item <c>i</c> occupies <c>[i * NumberOfFactors, (i + 1) * NumberOfFactors)</c>.</summary>
    public ReadOnlySpan<float> ItemFactors => _itemFactors;

    /// <summary>Gets the popularity of every item: how many distinct users interacted with it in training.</summary>
    public ReadOnlySpan<float> ItemPopularity => _itemPopularity;

    /// <summary>Gets one user's factor vector.</summary>
    /// <param name="userIndex">The user's index.</param>
    /// <returns>The factors.</returns>
    public ReadOnlySpan<float> GetUserFactors(int userIndex) => _userFactors.AsSpan(userIndex * NumberOfFactors, NumberOfFactors);

    /// <summary>Gets one item's factor vector.</summary>
    /// <param name="itemIndex">The item's index.</param>
    /// <returns>The factors.</returns>
    public ReadOnlySpan<float> GetItemFactors(int itemIndex) => _itemFactors.AsSpan(itemIndex * NumberOfFactors, NumberOfFactors);

    /// <summary>Gets the items a user interacted with in training, in ascending index order.</summary>
    /// <param name="userIndex">The user's index.</param>
    /// <returns>The item indices.</returns>
    public ReadOnlySpan<int> GetSeenItems(int userIndex) => _seenItems.AsSpan(_seenOffsets[userIndex], _seenOffsets[userIndex + 1] - _seenOffsets[userIndex]);

    /// <summary>Gets the weight of each item a user interacted with in training, aligned with <see cref="GetSeenItems"/>: the summed
    /// event weights for implicit models, the rating for explicit ones.</summary>
    /// <param name="userIndex">The user's index.</param>
    /// <returns>The weights, or an empty span when the model does not keep them (<see cref="HasSeenWeights"/>).</returns>
    public ReadOnlySpan<float> GetSeenWeights(int userIndex) =>
        _seenWeights is null ? default : _seenWeights.AsSpan(_seenOffsets[userIndex], _seenOffsets[userIndex + 1] - _seenOffsets[userIndex]);

    /// <summary>Returns this model with a co-occurrence index attached (or removed), sharing everything else.</summary>
    /// <param name="cooccurrence">The index, built for this model's <see cref="Items"/>; <see langword="null"/> to remove it.</param>
    /// <returns>The new model.</returns>
    /// <exception cref="ArgumentException">The index covers a different number of items.</exception>
    public FactorModel WithCooccurrence(CooccurrenceIndex? cooccurrence) =>
        new(Kind, Users, Items, NumberOfFactors, _userFactors, _itemFactors, _seenOffsets, _seenItems, _itemPopularity, Properties, GlobalBias,
            _userBiases, _itemBiases, _seenWeights, cooccurrence);

    /// <summary>Returns this model with properties added or replaced (saved with the model, shown by <c>personalize inspect</c>), sharing
    /// everything else.</summary>
    /// <param name="properties">The properties to set; a key already present gets the new value.</param>
    /// <returns>The new model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="properties"/> is null.</exception>
    /// <exception cref="ArgumentException">A key or value is null, or the properties would hold more than 512 KiB (a model file's limit).</exception>
    public FactorModel WithProperties(IEnumerable<KeyValuePair<string, string>> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var merged = new Dictionary<string, string>(Properties, StringComparer.Ordinal);
        foreach ((string key, string value) in properties)
        {
            if (key is null)
            {
                throw new ArgumentException("A property has a null key; keys and values must be strings.", nameof(properties));
            }

            merged[key] = value;
        }

        CheckProperties(merged, nameof(properties));
        return new(Kind, Users, Items, NumberOfFactors, _userFactors, _itemFactors, _seenOffsets, _seenItems, _itemPopularity, merged, GlobalBias,
            _userBiases, _itemBiases, _seenWeights, Cooccurrence);
    }

    /// <summary>The most a model's properties may hold, keys and values in UTF-8: a model file keeps them in a header that readers
    /// cap at 1 MiB.</summary>
    internal const int MaxPropertyBytes = 512 * 1024;

    /// <summary>Refuses properties a model file could not keep: a null value, or more than <see cref="MaxPropertyBytes"/> in all.</summary>
    internal static void CheckProperties(IReadOnlyDictionary<string, string> properties, string parameterName)
    {
        long bytes = 0;
        foreach ((string key, string value) in properties)
        {
            if (value is null)
            {
                throw new ArgumentException($"The property '{key}' has a null value; keys and values must be strings.", parameterName);
            }

            bytes += System.Text.Encoding.UTF8.GetByteCount(key) + System.Text.Encoding.UTF8.GetByteCount(value) + 10;
        }

        if (bytes > MaxPropertyBytes)
        {
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The properties hold {bytes:N0} bytes; a model file keeps at most {MaxPropertyBytes:N0} (512 KiB). Keep large data beside the model file."), parameterName);
        }
    }

    /// <summary>Returns this model with other item popularity (what cold-start lists, popularity sorts and the most-popular baseline
    /// rank by), sharing everything else; for example recency-weighted counts from <see cref="Data.PopularityCounter"/>.</summary>
    /// <param name="popularity">One finite, non-negative value per item, in <see cref="Items"/> order.</param>
    /// <returns>The new model.</returns>
    /// <exception cref="ArgumentException">The length differs from the number of items, or a value is negative or not finite.</exception>
    public FactorModel WithItemPopularity(ReadOnlySpan<float> popularity)
    {
        if (popularity.Length != Items.Count)
        {
            throw new ArgumentException($"The popularity holds {popularity.Length} values, but the model has {Items.Count} items.", nameof(popularity));
        }

        foreach (float value in popularity)
        {
            if (!(value >= 0) || !float.IsFinite(value))
            {
                throw new ArgumentException($"The popularity holds {value}; every value must be finite and not negative.", nameof(popularity));
            }
        }

        return new(Kind, Users, Items, NumberOfFactors, _userFactors, _itemFactors, _seenOffsets, _seenItems, popularity.ToArray(), Properties,
            GlobalBias, _userBiases, _itemBiases, _seenWeights, Cooccurrence);
    }

    /// <summary>Gets a user's bias, or 0 when the model has none.</summary>
    /// <param name="userIndex">The user's index.</param>
    /// <returns>The bias.</returns>
    public float GetUserBias(int userIndex) => _userBiases is null ? 0 : _userBiases[userIndex];

    /// <summary>Gets an item's bias, or 0 when the model has none.</summary>
    /// <param name="itemIndex">The item's index.</param>
    /// <returns>The bias.</returns>
    public float GetItemBias(int itemIndex) => _itemBiases is null ? 0 : _itemBiases[itemIndex];

    /// <summary>Scores one (user, item) pair: biases plus the dot product of their factors.</summary>
    /// <param name="userIndex">The user's index.</param>
    /// <param name="itemIndex">The item's index.</param>
    /// <returns>The score.</returns>
    public float Score(int userIndex, int itemIndex) => Score(GetUserFactors(userIndex), GetUserBias(userIndex), itemIndex);

    /// <summary>Scores an item for a user vector that need not be a trained user's (a folded-in one): biases plus the dot product, with
    /// the same arithmetic as <see cref="Score(int, int)"/>.</summary>
    internal float Score(ReadOnlySpan<float> userFactors, float userBias, int itemIndex) =>
        GlobalBias + userBias + GetItemBias(itemIndex) + System.Numerics.Tensors.TensorPrimitives.Dot(userFactors, GetItemFactors(itemIndex));

    /// <summary>
    /// Predicts a rating for a (user, item) pair given by id. Unknown users or items fall back to what is known: global bias plus the
    /// known biases (the factors need both). Explicit models clamp the result to the rating range seen in training. Never NaN.
    /// </summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="itemId">The item's id.</param>
    /// <returns>The prediction (for implicit models, the preference score: for an unknown id the known biases alone, which are 0 unless the
    /// model blends in popularity, as <c>ImplicitAlsTrainer.Options.PopularityWeight</c> does through the item biases).</returns>
    public float PredictRating(string userId, string itemId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(itemId);
        Users.TryGetIndex(userId, out int user);
        Items.TryGetIndex(itemId, out int item);
        return PredictRatingOrFallback(user, item);
    }

    /// <summary>Predicts like <see cref="PredictRating(string, string)"/> by index, where a negative index stands for an unknown user or
    /// item: the known biases, and the factors only when both are known. Never NaN.</summary>
    /// <remarks>For callers that map ids to indices themselves, such as <c>Personalize.ML</c>'s scoring transformer.</remarks>
    /// <param name="userIndex">The user's index, or -1 when the user is unknown.</param>
    /// <param name="itemIndex">The item's index, or -1 when the item is unknown.</param>
    /// <returns>The prediction, clamped to the training rating range for explicit models.</returns>
    public float PredictRatingOrFallback(int userIndex, int itemIndex)
    {
        bool knownUser = userIndex >= 0, knownItem = itemIndex >= 0;
        float score = GlobalBias + (knownUser ? GetUserBias(userIndex) : 0) + (knownItem ? GetItemBias(itemIndex) : 0);
        if (knownUser && knownItem)
        {
            score += System.Numerics.Tensors.TensorPrimitives.Dot(GetUserFactors(userIndex), GetItemFactors(itemIndex));
        }

        return Clamp(score);
    }

    /// <summary>Predicts the rating of a known (user, item) pair by index; clamped like <see cref="PredictRating(string, string)"/>.</summary>
    /// <param name="userIndex">The user's index.</param>
    /// <param name="itemIndex">The item's index.</param>
    /// <returns>The prediction.</returns>
    public float PredictRating(int userIndex, int itemIndex) => Clamp(Score(userIndex, itemIndex));

    private float Clamp(float score)
    {
        if (Kind != FactorModelKind.Explicit)
        {
            return score;
        }

        return Math.Clamp(score, _minRating, _maxRating);
    }

    private static float Read(IReadOnlyDictionary<string, string> properties, string property, float fallback) =>
        properties.TryGetValue(property, out string? text)
        && float.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out float value)
            ? value : fallback;

    internal float[] RawUserFactors => _userFactors;

    internal ArraySegment<float> RawItemFactors => _itemFactors;

    internal int[] RawSeenOffsets => _seenOffsets;

    internal int[] RawSeenItems => _seenItems;

    internal float[] RawItemPopularity => _itemPopularity;

    internal float[]? RawUserBiases => _userBiases;

    internal float[]? RawItemBiases => _itemBiases;

    internal float[]? RawSeenWeights => _seenWeights;
}
