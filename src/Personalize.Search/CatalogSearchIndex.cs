using System.Globalization;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Personalize.Core.Data;
using Personalize.Core.Recommending;

namespace Personalize.Search;

/// <summary>
/// A full-text index over an <see cref="ItemCatalog"/>'s text attributes (title, brand, category path, tags, or the fields you name,
/// each with a boost), held in memory or built once on disk and opened read-only. <see cref="Match"/> reads untrusted plain text —
/// never query syntax — and returns every matching item with a BM25 text score.
/// </summary>
/// <remarks>
/// <para>How a query is read: the text is cut to <see cref="CatalogSearchOptions.MaxQueryLength"/> characters, control characters and
/// unpaired surrogates become spaces, and it is split into words (lower case, accents folded), at most
/// <see cref="CatalogSearchOptions.MaxQueryTerms"/>. Characters that are operators in Lucene's query syntax (<c>+ - " * ? ~ ( ) :</c>
/// and so on) are only separators. Every word must match in some field, in any form (English stemming: "shoes" finds "shoe"); English
/// stop words alone need not match. A word also matches as two neighbouring words of the catalogue ("wifi" finds "Wi-Fi" and "wi fi"),
/// and two query words as the one word the catalogue may write them as ("pour over" finds "Pourover"), at a slightly lower weight than
/// the form as typed. The last word, when the text does not end in a space or punctuation, also matches as a prefix
/// (search as you type: "kett" finds "kettle"). When exact words find fewer than <see cref="CatalogSearchOptions.FuzzyBelow"/> items, the
/// query runs again with typo tolerance for the words that no item has ("kettel" finds "kettle").</para>
/// <para>The work of one query is bounded by the options, whatever the text: prefixes and fuzzy words expand to at most
/// <see cref="CatalogSearchOptions.MaxExpansions"/> indexed words each. Field boosts weigh exact word matches; prefix and typo matches
/// count the same in every field. <see cref="Match"/> throws only
/// <see cref="ArgumentNullException"/> (null text) and <see cref="ObjectDisposedException"/>.</para>
/// <para>Thread-safe: queries may run concurrently. Dispose the index to release its files or memory.</para>
/// </remarks>
public sealed class CatalogSearchIndex : IDisposable
{
    private const string IdField = "id";
    private const string FormatKey = "personalize.search.format";
    private const string FieldsKey = "personalize.search.fields";
    private const string TextKey = "personalize.search.text";
    // 3: text in Unicode form KC, folded before lower-casing, words split where letters meet digits; an index of format 2 would
    // not match such queries, so it is refused with the advice to build it again. 4: the fields of the all-words field are 100
    // positions apart, so a split word's phrase stays in one field; an index of format 3 would join a title's last word to the brand.
    // 5: a colon separates words ("coffee:kettle" was one word); an index of format 4 would keep such words whole. 6: combining marks
    // are dropped from words (form KC composes nothing with invariant globalization, so "Cafe\u0301" stayed apart from "café").
    private const string Format = "6";
    private const int BuildChunk = 1024;   // a power of two: cancellation is checked and progress reported once per chunk
    private readonly Lucene.Net.Store.Directory _directory;
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly SearchAnalyzer _analyzer;
    private readonly int[] _docToItem;
    private readonly SearchField[] _fields;
    private readonly Vocabulary _vocabulary;
    private int _disposed;

    private CatalogSearchIndex(Lucene.Net.Store.Directory directory, ItemCatalog catalog, CatalogSearchOptions options, SearchAnalyzer analyzer)
    {
        _directory = directory;
        _analyzer = analyzer;
        Catalog = catalog;
        Options = options;
        _reader = DirectoryReader.Open(directory);
        try
        {
            IDictionary<string, string> data = _reader.IndexCommit.UserData;
            if (!data.TryGetValue(FormatKey, out string? format) || format != Format || !data.TryGetValue(FieldsKey, out string? recorded))
            {
                throw new InvalidDataException($"The index is not a Personalize search index of format {Format} (found format "
                    + $"'{format ?? "none"}'); build it with CatalogSearchIndex.Build.");
            }

            SearchField[] indexed = ParseFields(recorded);
            _fields = ChooseFields(indexed, options.Fields);
            // An index written before the fingerprint existed cannot tell, and is taken as matching; a catalogue without a field the
            // index holds cannot match (and has no text to fingerprint).
            MatchesCatalog = indexed.All(field => catalog.Schema.TryGetType(field.Attribute, out _))
                && (!data.TryGetValue(TextKey, out string? text) || text == TextFingerprint(catalog, indexed).ToString("x16", CultureInfo.InvariantCulture));
            _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity() };
            _vocabulary = Vocabulary.Read(_reader, SearchAnalyzer.AllField, CatalogSearchDefaults.MaxExpandedTermLength);
            _docToItem = new int[_reader.MaxDoc];
            var only = new HashSet<string> { IdField };
            for (int doc = 0; doc < _docToItem.Length; doc++)
            {
                string? id = _reader.Document(doc, only).Get(IdField);
                _docToItem[doc] = id is null ? -1 : catalog.GetIndex(id);
                if (_docToItem[doc] >= 0)
                {
                    Count++;
                }
            }
        }
        catch
        {
            _reader.Dispose();
            throw;
        }
    }

    /// <summary>Gets the catalogue whose items the matches name.</summary>
    public ItemCatalog Catalog { get; }

    /// <summary>Gets how queries are read.</summary>
    public CatalogSearchOptions Options { get; }

    /// <summary>Gets the fields searched and their boosts.</summary>
    public IReadOnlyList<SearchField> Fields => _fields;

    /// <summary>Gets how many indexed items are in <see cref="Catalog"/> (items the catalogue lacks are never matched).</summary>
    public int Count { get; }

    /// <summary>Gets whether <see cref="Catalog"/> is the catalogue the index was built from: the same items in the same order with the
    /// same text in the indexed fields. When it is <see langword="false"/> (an index opened with a newer catalogue), queries match the
    /// text as it was indexed: an item whose title changed is found by its old words, and items added since are never found; build the
    /// index again (<see cref="SearchIndexStore.Rebuild"/>). An index built in memory always matches.</summary>
    public bool MatchesCatalog { get; } = true;

    /// <summary>Indexes a catalogue in memory.</summary>
    /// <param name="catalog">The catalogue.</param>
    /// <param name="options">What to index and how to read queries; <see langword="null"/> for the defaults.</param>
    /// <returns>The index, ready for queries.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="ArgumentException">A named field is not a text, category or tags attribute of the catalogue, or the catalogue has
    /// none of the default fields.</exception>
    public static CatalogSearchIndex Build(ItemCatalog catalog, CatalogSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        options ??= new CatalogSearchOptions();
        Validation.ThrowIfInvalid(options, nameof(CatalogSearchOptions));
        var directory = new RAMDirectory();
        var analyzer = new SearchAnalyzer();
        try
        {
            Write(directory, catalog, ResolveFields(catalog, options.Fields), analyzer);
            return new CatalogSearchIndex(directory, catalog, options, analyzer);
        }
        catch
        {
            directory.Dispose();
            analyzer.Dispose();
            throw;
        }
    }

    /// <summary>Indexes a catalogue into a folder on disk (replacing any index there), then opens it read-only.</summary>
    /// <param name="catalog">The catalogue.</param>
    /// <param name="path">The folder; created when missing.</param>
    /// <param name="options">What to index and how to read queries; <see langword="null"/> for the defaults.</param>
    /// <returns>The index, ready for queries.</returns>
    /// <remarks>Build once (at deploy time, or when the catalogue changes) and <see cref="Open"/> it in each process.</remarks>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="ArgumentException">A named field is not a text, category or tags attribute of the catalogue, or the catalogue has
    /// none of the default fields.</exception>
    /// <exception cref="IOException">The folder cannot be written.</exception>
    public static CatalogSearchIndex Build(ItemCatalog catalog, string path, CatalogSearchOptions? options = null) =>
        Build(catalog, path, options, null, CancellationToken.None);

    /// <summary>Indexes into a folder, reporting progress and stopping when cancelled; nothing is committed unless every item was
    /// written, so a folder whose build stopped holds no index (and a folder that held one keeps it).</summary>
    internal static CatalogSearchIndex Build(ItemCatalog catalog, string path, CatalogSearchOptions? options, IProgress<int>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new CatalogSearchOptions();
        Validation.ThrowIfInvalid(options, nameof(CatalogSearchOptions));
        SearchField[] fields = ResolveFields(catalog, options.Fields);
        System.IO.Directory.CreateDirectory(path);
        using (FSDirectory directory = FSDirectory.Open(new DirectoryInfo(path)))
        using (var analyzer = new SearchAnalyzer())
        {
            Write(directory, catalog, fields, analyzer, progress, cancellationToken);
        }

        return Open(path, catalog, options);
    }

    /// <summary>Opens an index that <see cref="Build(ItemCatalog, string, CatalogSearchOptions?)"/> wrote, read-only.</summary>
    /// <param name="path">The index folder.</param>
    /// <param name="catalog">The catalogue (the one indexed, or a newer one: indexed items it lacks are never matched, and
    /// <see cref="CatalogSearchIndex.MatchesCatalog"/> says whether the index is out of date for it).</param>
    /// <param name="options">How to read queries; <see cref="CatalogSearchOptions.Fields"/>, when set, must name indexed fields (their
    /// boosts apply), and when <see langword="null"/> the fields and boosts the index was built with apply.</param>
    /// <returns>The index.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="FileNotFoundException">There is no index in the folder.</exception>
    /// <exception cref="InvalidDataException">The folder holds a Lucene index that is not a Personalize search index, or the files of a
    /// build that did not finish (no commit).</exception>
    /// <exception cref="ArgumentException">The options name a field the index does not have.</exception>
    public static CatalogSearchIndex Open(string path, ItemCatalog catalog, CatalogSearchOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(catalog);
        options ??= new CatalogSearchOptions();
        Validation.ThrowIfInvalid(options, nameof(CatalogSearchOptions));
        if (!System.IO.Directory.Exists(path))
        {
            throw new FileNotFoundException($"There is no search index at '{path}': the folder does not exist. Build one with CatalogSearchIndex.Build(catalog, path).", path);
        }

        FSDirectory directory = FSDirectory.Open(new DirectoryInfo(path));
        var analyzer = new SearchAnalyzer();
        try
        {
            if (!DirectoryReader.IndexExists(directory))
            {
                string[] files = System.IO.Directory.GetFiles(path);
                if (files.Length > 0)
                {
                    throw new InvalidDataException($"The folder '{path}' holds an incomplete search index: {files.Length} files but no commit, "
                        + "so its build did not finish (it was stopped, failed or the process ended). Build it again with "
                        + "CatalogSearchIndex.Build(catalog, path), or open the complete index it was meant to replace.");
                }

                throw new FileNotFoundException($"There is no search index at '{path}'. Build one with CatalogSearchIndex.Build(catalog, path).", path);
            }

            return new CatalogSearchIndex(directory, catalog, options, analyzer);
        }
        catch
        {
            directory.Dispose();
            analyzer.Dispose();
            throw;
        }
    }

    /// <summary>Finds the items whose text matches a query.</summary>
    /// <param name="query">What a person typed: any text, never parsed as query syntax.</param>
    /// <returns>Every matching item with its text score, best first; none for a query without words.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The index was disposed.</exception>
    public TextMatch Match(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        string clean = QueryText.Clean(query, Options.MaxQueryLength, out bool truncated);
        List<string> all = _analyzer.Words(SearchAnalyzer.RawPrefix, clean);
        var words = new List<string>();
        var stemsOf = new List<List<string>>();
        int counted = 0;   // stop words ("the", "for") have no stems: they are not searched for, so they do not count toward the limit
        foreach (string word in all)
        {
            if (!words.Contains(word, StringComparer.Ordinal))
            {
                List<string> wordStems = _analyzer.Words(SearchAnalyzer.StemmedPrefix, word);
                if (wordStems.Count > 0 && counted == Options.MaxQueryTerms)
                {
                    truncated = true;
                    break;
                }

                words.Add(word);
                stemsOf.Add(wordStems);
                counted += wordStems.Count > 0 ? 1 : 0;
            }
        }

        if (words.Count == 0)
        {
            return new TextMatch(clean, words, truncated, fuzzy: false, []);
        }

        // Still typing when the text ends in a word: a letter, a digit, or a combining mark on one ("Cafe\u0301", an accent typed apart).
        int last = clean.Length - 1;
        while (last > 0 && char.GetUnicodeCategory(clean[last]) is System.Globalization.UnicodeCategory.NonSpacingMark
                   or System.Globalization.UnicodeCategory.SpacingCombiningMark or System.Globalization.UnicodeCategory.EnclosingMark)
        {
            last--;
        }

        char end = clean[last];
        string? prefix = !truncated && (char.IsLetterOrDigit(end) || char.IsLowSurrogate(end)) ? all[^1] : null;
        List<string>[] stems = [.. stemsOf];
        List<(string First, string Second)>[] splits = [.. words.Select(Splits)];   // once per query, as the stems are
        List<(int Doc, float Score)> matches = Run(BuildQuery(words, stems, splits, prefix, fuzzy: null));
        bool fuzzy = false;
        if (matches.Count < Options.FuzzyBelow)
        {
            var unknown = new bool[words.Count];
            for (int w = 0; w < words.Count; w++)
            {
                unknown[w] = NeedsFuzzy(words[w], stems[w], splits[w]);
                fuzzy |= unknown[w];
            }

            if (fuzzy)
            {
                matches = Run(BuildQuery(words, stems, splits, prefix, unknown));
            }
        }

        var found = new List<(int Item, float Score)>(matches.Count);
        foreach ((int doc, float score) in matches)
        {
            int item = _docToItem[doc];
            if (item >= 0)
            {
                found.Add((item, float.IsFinite(score) ? score : 0f));
            }
        }

        found.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Item.CompareTo(b.Item));
        var candidates = new RankCandidate[found.Count];
        for (int i = 0; i < candidates.Length; i++)
        {
            candidates[i] = new RankCandidate(Catalog.Items.GetId(found[i].Item), found[i].Score);
        }

        return new TextMatch(clean, words, truncated, fuzzy, candidates);
    }

    /// <summary>Closes the index.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _reader.Dispose();
        _directory.Dispose();
        _analyzer.Dispose();
    }

    /// <summary>The weight of a match of a word's other form (two words joined, or one word split), against 1 for the word as written
    /// in a field of weight 1.</summary>
    private const float JoinedBoost = 0.8f;

    /// <summary>The shortest query word looked up as two words (shorter ones, such as "ab", split too easily by chance).</summary>
    private const int MinJoinedLength = 4;

    /// <summary>The most ways one query word is split into two words.</summary>
    private const int MaxSplits = 3;

    private static bool CanBeFuzzy(string word) => word.Length >= 4 && word.Length <= CatalogSearchDefaults.MaxExpandedTermLength;

    private List<(int Doc, float Score)> Run(Query query)
    {
        var collector = new MatchCollector();
        _searcher.Search(query, collector);
        return collector.Matches;
    }

    /// <summary>Whether a word needs typo tolerance: long enough to be a typo and found in no field as typed.</summary>
    private bool NeedsFuzzy(string word, List<string> stems, List<(string First, string Second)> splits)
    {
        if (!CanBeFuzzy(word))
        {
            return false;
        }

        foreach (SearchField field in _fields)
        {
            foreach (string stem in stems)
            {
                if (_reader.DocFreq(new Term(SearchAnalyzer.StemmedPrefix + field.Attribute, stem)) > 0)
                {
                    return false;
                }
            }
        }

        return _reader.DocFreq(new Term(SearchAnalyzer.AllField, word)) == 0 && !splits.Exists(split => _searcher.Search(Phrase(split), 1).TotalHits > 0);
    }

    /// <summary>The two words next to each other in one field, unstemmed.</summary>
    private static PhraseQuery Phrase((string First, string Second) split)
    {
        var phrase = new PhraseQuery { Boost = JoinedBoost };
        phrase.Add(new Term(SearchAnalyzer.AllField, split.First));
        phrase.Add(new Term(SearchAnalyzer.AllField, split.Second));
        return phrase;
    }

    /// <summary>The ways a word splits into two words that both are in the catalogue (<c>wifi</c> → <c>wi</c> <c>fi</c>), at most
    /// <see cref="MaxSplits"/>, the most even first. Neither half is a stop word: "into" is not "in to". A half may be one letter
    /// ("usbc" is "USB-C", "tshirt" "T-shirt"); the phrase keeps that precise, and typo tolerance still runs for a word such as
    /// "shoess" unless "shoes s" is in the catalogue.</summary>
    private List<(string First, string Second)> Splits(string word)
    {
        var splits = new List<(string, string)>();
        if (word.Length < MinJoinedLength || word.Length > CatalogSearchDefaults.MaxExpandedTermLength)
        {
            return splits;
        }

        // From the middle outwards: "pourover" tries pour|over first.
        int middle = word.Length / 2;
        for (int step = 0; step < word.Length && splits.Count < MaxSplits; step++)
        {
            int at = middle + ((step & 1) == 0 ? step / 2 : -(step / 2) - 1);
            if (at >= 1 && at < word.Length && _vocabulary.Contains(word.AsSpan(0, at)) && _vocabulary.Contains(word.AsSpan(at))
                && !SearchAnalyzer.StopWords.Contains(word[..at]) && !SearchAnalyzer.StopWords.Contains(word[at..]))
            {
                splits.Add((word[..at], word[at..]));
            }
        }

        return splits;
    }

    /// <summary>The two words joined when the catalogue has them as one word (<c>pour over</c> → <c>pourover</c>), or null.</summary>
    private string? Joined(List<string> words, List<string>[] stems, int w)
    {
        if (w + 1 >= words.Count || stems[w].Count == 0 || stems[w + 1].Count == 0
            || words[w].Length + words[w + 1].Length > CatalogSearchDefaults.MaxExpandedTermLength)
        {
            return null;
        }

        string joined = words[w] + words[w + 1];
        return _vocabulary.Contains(joined) ? joined : null;
    }

    private BooleanQuery BuildQuery(List<string> words, List<string>[] stems, List<(string First, string Second)>[] splits, string? prefix,
        bool[]? fuzzy)
    {
        var root = new BooleanQuery(disableCoord: true);
        for (int w = 0; w < words.Count; w++)
        {
            // Two words the catalogue also writes as one ("pour over", "pourover"): either form matches.
            if (Joined(words, stems, w) is { } joined)
            {
                var pair = new BooleanQuery(disableCoord: true)
                {
                    { WordClause(words, stems, splits, prefix, fuzzy, w), Occur.MUST },
                    { WordClause(words, stems, splits, prefix, fuzzy, w + 1), Occur.MUST },
                };
                root.Add(new BooleanQuery(disableCoord: true)
                {
                    { new TermQuery(new Term(SearchAnalyzer.AllField, joined)) { Boost = JoinedBoost }, Occur.SHOULD },
                    { pair, Occur.SHOULD },
                }, Occur.MUST);
                w++;
                continue;
            }

            // Every word must match, except a stop word ("the", "for"): one still being typed may become "fork", so it ranks the
            // items with such a word higher, but "kettle for" on the way to "kettle for kids" still finds every kettle.
            root.Add(WordClause(words, stems, splits, prefix, fuzzy, w), stems[w].Count > 0 || fuzzy?[w] == true ? Occur.MUST : Occur.SHOULD);
        }

        return root;
    }

    /// <summary>What one word of a query matches: its stems in every field, and where they apply the word as a prefix, its near
    /// spellings, and the word as two words joined ("wifi" matches "Wi-Fi").</summary>
    private BooleanQuery WordClause(List<string> words, List<string>[] stems, List<(string First, string Second)>[] splits, string? prefix,
        bool[]? fuzzy, int w)
    {
        string word = words[w];
        bool asPrefix = word == prefix && word.Length >= Options.MinPrefixLength && word.Length <= CatalogSearchDefaults.MaxExpandedTermLength;
        bool asFuzzy = fuzzy?[w] == true;
        var clause = new BooleanQuery(disableCoord: true);
        foreach (SearchField field in _fields)
        {
            foreach (string stem in stems[w])
            {
                clause.Add(new TermQuery(new Term(SearchAnalyzer.StemmedPrefix + field.Attribute, stem)) { Boost = field.Boost }, Occur.SHOULD);
            }
        }

        // Prefixes, typos and stop words match the unstemmed words of all fields together: one expansion per word, not one per field.
        var all = new Term(SearchAnalyzer.AllField, word);
        if (stems[w].Count == 0)
        {
            clause.Add(new TermQuery(all) { Boost = 0.5f }, Occur.SHOULD);   // a stop word
        }
        else
        {
            // The word as two neighbouring words ("wifi" as "Wi-Fi" or "wi fi"): a phrase, so the two must be next to each other.
            foreach ((string First, string Second) split in splits[w])
            {
                clause.Add(Phrase(split), Occur.SHOULD);
            }
        }

        if (asPrefix)
        {
            clause.Add(new PrefixQuery(all)
            {
                Boost = 1f,
                MultiTermRewriteMethod = new MultiTermQuery.TopTermsScoringBooleanQueryRewrite(Options.MaxExpansions),
            }, Occur.SHOULD);
        }

        if (asFuzzy)
        {
            // Lucene refuses a query of more than MaxClauseCount clauses (TooManyClausesException): the typos get what the stems,
            // splits and prefix leave of it, so a MaxExpansions near its 1,024 cannot make a query throw.
            int room = Math.Min(Options.MaxExpansions, BooleanQuery.MaxClauseCount - clause.Clauses.Count);
            foreach ((string near, int edits) in room <= 0 ? [] : _vocabulary.Near(word, word.Length >= 8 ? 2 : 1, room))
            {
                clause.Add(new TermQuery(new Term(SearchAnalyzer.AllField, near)) { Boost = edits == 1 ? 0.5f : 0.3f }, Occur.SHOULD);
            }
        }

        return clause;
    }

    private static void Write(Lucene.Net.Store.Directory directory, ItemCatalog catalog, SearchField[] fields, SearchAnalyzer analyzer,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var config = new IndexWriterConfig(SearchAnalyzer.Version, analyzer)
        {
            OpenMode = OpenMode.CREATE,
            Similarity = new BM25Similarity(),
        };
        var writer = new IndexWriter(directory, config);
        try
        {
            WriteDocuments(writer, catalog, fields, progress, cancellationToken);
        }
        catch
        {
            writer.Rollback();   // commit nothing: a stopped build must not look like an index
            throw;
        }

        writer.Dispose();
    }

    /// <summary>The text an index of these fields holds, item by item: each id and its normalized field text, hashed.</summary>
    private static ulong TextFingerprint(ItemCatalog catalog, IReadOnlyList<SearchField> fields)
    {
        var hash = new System.IO.Hashing.XxHash3();
        for (int item = 0; item < catalog.Count; item++)
        {
            Append(hash, catalog.Items.GetId(item), '\u001d');
            foreach (SearchField field in fields)
            {
                Append(hash, IndexedText(catalog, item, field), '\u001e');
            }
        }

        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>Adds a text and its separator to the fingerprint (a missing text as an empty one).</summary>
    private static void Append(System.IO.Hashing.XxHash3 hash, string? text, char separator)
    {
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes((text ?? "").AsSpan()));
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<char>(in separator)));
    }

    /// <summary>The text a field of an item is indexed with (normalized), or null when it has none.</summary>
    private static string? IndexedText(ItemCatalog catalog, int item, SearchField field) => SearchAnalyzer.Normalize(catalog.GetValue(item, field.Attribute) switch
    {
        string s => s,
        IReadOnlyList<string> tags => string.Join(' ', tags),
        _ => null,
    });

    private static void WriteDocuments(IndexWriter writer, ItemCatalog catalog, SearchField[] fields, IProgress<int>? progress,
        CancellationToken cancellationToken)
    {
        var fingerprint = new System.IO.Hashing.XxHash3();
        for (int item = 0; item < catalog.Count; item++)
        {
            if ((item & (BuildChunk - 1)) == 0 && item > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(item);
            }

            var document = new Document { new StringField(IdField, catalog.Items.GetId(item), Field.Store.YES) };
            Append(fingerprint, catalog.Items.GetId(item), '\u001d');   // as TextFingerprint reads it back on Open
            foreach (SearchField field in fields)
            {
                string? text = IndexedText(catalog, item, field);
                Append(fingerprint, text, '\u001e');
                if (!string.IsNullOrEmpty(text))
                {
                    document.Add(new TextField(SearchAnalyzer.StemmedPrefix + field.Attribute, text, Field.Store.NO));
                    document.Add(new TextField(SearchAnalyzer.AllField, text, Field.Store.NO));
                }
            }

            writer.AddDocument(document);
        }

        cancellationToken.ThrowIfCancellationRequested();
        writer.SetCommitData(new Dictionary<string, string>
        {
            [FormatKey] = Format,
            [FieldsKey] = string.Join('\u001f', fields.Select(f => f.Attribute + "\u001e" + f.Boost.ToString("R", CultureInfo.InvariantCulture))),
            [TextKey] = fingerprint.GetCurrentHashAsUInt64().ToString("x16", CultureInfo.InvariantCulture),
        });
        // One segment: a query then seeks each term once and sets up one scorer per clause, instead of once per segment (the index
        // is read-only from here on, so the merge is paid once, at about a tenth of the build time).
        writer.ForceMerge(1);
        writer.Commit();
        progress?.Report(catalog.Count);
    }

    private static SearchField[] ResolveFields(ItemCatalog catalog, IReadOnlyList<SearchField>? named)
    {
        static bool IsText(AttributeType type) => type is AttributeType.Text or AttributeType.Category or AttributeType.Tags;
        if (named is null)
        {
            SearchField[] present = [.. CatalogSearchDefaults.Fields.Where(f => catalog.Schema.TryGetType(f.Attribute, out AttributeType t) && IsText(t))];
            return present.Length > 0 ? present : throw new ArgumentException(
                $"The catalogue has none of the default search fields ({string.Join(", ", CatalogSearchDefaults.Fields.Select(f => f.Attribute))}) as text; "
                + $"name its text attributes in CatalogSearchOptions.Fields (--fields on the command line). It has: {string.Join(", ", catalog.Schema.Names)}.", nameof(catalog));
        }

        foreach (SearchField field in named)
        {
            if (!catalog.Schema.TryGetType(field.Attribute, out AttributeType type))
            {
                throw new ArgumentException($"The search field '{field.Attribute}' is not an attribute of the catalogue; it has: {string.Join(", ", catalog.Schema.Names)}.", nameof(catalog));
            }

            if (!IsText(type))
            {
                throw new ArgumentException($"The search field '{field.Attribute}' is a {type} attribute; only text, category and tags attributes can be searched.", nameof(catalog));
            }
        }

        return [.. named];
    }

    private static SearchField[] ParseFields(string recorded) =>
        [.. recorded.Split('\u001f', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            string[] parts = pair.Split('\u001e');
            return new SearchField(parts[0], parts.Length > 1 && float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float boost) ? boost : 1f);
        })];

    private static SearchField[] ChooseFields(SearchField[] indexed, IReadOnlyList<SearchField>? named)
    {
        if (named is null)
        {
            return indexed;
        }

        foreach (SearchField field in named)
        {
            if (!Array.Exists(indexed, f => f.Attribute == field.Attribute))
            {
                throw new ArgumentException($"The search field '{field.Attribute}' is not in the index, which has: "
                    + $"{string.Join(", ", indexed.Select(f => f.Attribute))}; build the index with it.", nameof(named));
            }
        }

        return [.. named];
    }
}
