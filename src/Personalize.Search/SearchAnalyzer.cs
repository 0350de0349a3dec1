using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Personalize.Search;

/// <summary>
/// The analysis of indexed text and queries. Every field is indexed as <c>s:NAME</c>, stemmed words (standard tokenizer, words split
/// where letters meet digits (<c>500ml</c>: <c>500</c> and <c>ml</c>), English
/// possessives removed, lower case, accents folded to ASCII (combining marks dropped), English stop words removed, Porter stemming), for exact matches whatever
/// the word form; and all fields together as <c>a:</c>, the words unstemmed (lower case, folded), for prefixes and typo tolerance,
/// which need the word as typed.
/// </summary>
internal sealed class SearchAnalyzer : Analyzer
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;
    public const string StemmedPrefix = "s:";
    public const string RawPrefix = "r:";
    public const string AllField = "a:";

    /// <summary>The English stop words the stemmed fields leave out ("the", "in"), which are also never half of a split query word.</summary>
    public static readonly Lucene.Net.Analysis.Util.CharArraySet StopWords = EnglishAnalyzer.DefaultStopSet;

    /// <summary>Words longer than this are not indexed (no product word is; it bounds the index and the query).</summary>
    public const int MaxWordLength = 64;

    public SearchAnalyzer()
        : base(PER_FIELD_REUSE_STRATEGY)
    {
    }

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(Version, reader) { MaxTokenLength = MaxWordLength };
        TokenStream stream = new LetterDigitSplitFilter(source);
        bool stemmed = fieldName.StartsWith(StemmedPrefix, StringComparison.Ordinal);
        if (stemmed)
        {
            stream = new EnglishPossessiveFilter(Version, stream);
        }

        // Folded before lower-casing: the invariant lower case leaves the Turkish dotted capital İ as it is, and folding then made it a
        // capital I that no query matched.
        stream = new ASCIIFoldingFilter(stream);
        stream = new CombiningMarkFilter(stream);
        stream = new LowerCaseFilter(Version, stream);
        if (stemmed)
        {
            stream = new StopFilter(Version, stream, StopWords);
            stream = new PorterStemFilter(stream);
        }

        return new TokenStreamComponents(source, stream);
    }

    /// <summary>Keeps the fields of <see cref="AllField"/> apart: the last word of a title and the first of the brand are not
    /// neighbours to a phrase (a word split in two, "lampshade" as "lamp shade", must find both halves in one field).</summary>
    public override int GetPositionIncrementGap(string fieldName) => fieldName == AllField ? 100 : base.GetPositionIncrementGap(fieldName);

    /// <summary>The text in Unicode form KC, which every text is put in before analysis (the catalogue's as it is indexed, a query's
    /// in <see cref="Words"/>): an accent written as a separate combining mark (form D, as some systems write "Café") would otherwise
    /// stay in the word, and compatibility forms (full-width letters, ligatures) become plain letters. Text already in that form (nearly
    /// all) is returned as it is, without a copy; text that cannot be normalized (a lone surrogate) too. With invariant globalization
    /// (as this repository's programs run) .NET leaves such text as it is; <see cref="CombiningMarkFilter"/> drops the marks then, and
    /// ASCII folding turns compatibility forms into plain letters.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Normalize(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return text.IsNormalized(System.Text.NormalizationForm.FormKC) ? text : text.Normalize(System.Text.NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return text;
        }
    }

    /// <summary>The words of a text as a field would index them.</summary>
    public List<string> Words(string field, string text)
    {
        var words = new List<string>();
        using TokenStream stream = GetTokenStream(field, Normalize(text));
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
