using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Personalize.Search;

/// <summary>
/// The analysis of indexed text and queries. Every field is indexed as <c>s:NAME</c>, stemmed words (standard tokenizer, English
/// possessives removed, lower case, accents folded to ASCII, English stop words removed, Porter stemming), for exact matches whatever
/// the word form; and all fields together as <c>a:</c>, the words unstemmed (lower case, folded), for prefixes and typo tolerance,
/// which need the word as typed.
/// </summary>
internal sealed class SearchAnalyzer : Analyzer
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;
    public const string StemmedPrefix = "s:";
    public const string RawPrefix = "r:";
    public const string AllField = "a:";

    /// <summary>Words longer than this are not indexed (no product word is; it bounds the index and the query).</summary>
    public const int MaxWordLength = 64;

    public SearchAnalyzer()
        : base(PER_FIELD_REUSE_STRATEGY)
    {
    }

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(Version, reader) { MaxTokenLength = MaxWordLength };
        TokenStream stream = source;
        bool stemmed = fieldName.StartsWith(StemmedPrefix, StringComparison.Ordinal);
        if (stemmed)
        {
            stream = new EnglishPossessiveFilter(Version, stream);
        }

        // Folded before lower-casing: the invariant lower case leaves the Turkish dotted capital İ as it is, and folding then made it a
        // capital I that no query matched.
        stream = new ASCIIFoldingFilter(stream);
        stream = new LowerCaseFilter(Version, stream);
        if (stemmed)
        {
            stream = new StopFilter(Version, stream, EnglishAnalyzer.DefaultStopSet);
            stream = new PorterStemFilter(stream);
        }

        return new TokenStreamComponents(source, stream);
    }

    /// <summary>Normalizes the text to Unicode form KC first: an accent written as a separate combining mark (form D, as some systems
    /// write "Café") would otherwise stay in the word, and compatibility forms (full-width letters, ligatures) become plain letters.</summary>
    protected override TextReader InitReader(string fieldName, TextReader reader) => new NormalizingReader(reader);

    /// <summary>The words of a text as a field would index them.</summary>
    public List<string> Words(string field, string text)
    {
        var words = new List<string>();
        using TokenStream stream = GetTokenStream(field, text);
        ICharTermAttribute term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            words.Add(term.ToString());
        }

        stream.End();
        return words;
    }
}

/// <summary>A reader of the Unicode form KC of another reader's text (read whole on first use: fields and queries are short).</summary>
internal sealed class NormalizingReader(TextReader inner) : TextReader
{
    private StringReader? _normalized;

    private StringReader Normalized
    {
        get
        {
            if (_normalized is null)
            {
                // Read in blocks: some of Lucene's readers do not implement ReadToEnd.
                var text = new System.Text.StringBuilder();
                var block = new char[1024];
                for (int read; (read = inner.Read(block, 0, block.Length)) > 0;)
                {
                    text.Append(block, 0, read);
                }

                _normalized = new StringReader(Normalize(text.ToString()));
            }

            return _normalized;
        }
    }

    public override int Peek() => Normalized.Peek();

    public override int Read() => Normalized.Read();

    public override int Read(char[] buffer, int index, int count) => Normalized.Read(buffer, index, count);

    public override int Read(Span<char> buffer) => Normalized.Read(buffer);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _normalized?.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Form KC, or the text as it is when it cannot be normalized (a lone surrogate: the query cleaner replaces those, but
    /// catalogue text is indexed as given).</summary>
    private static string Normalize(string text)
    {
        try
        {
            return text.IsNormalized(System.Text.NormalizationForm.FormKC) ? text : text.Normalize(System.Text.NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return text;
        }
    }
}
