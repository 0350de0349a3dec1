using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Personalize.Search;

/// <summary>Collects every matching document with its score (no top-n cut: facets and filters need every match).</summary>
internal sealed class MatchCollector : ICollector
{
    private Scorer? _scorer;
    private int _docBase;

    public List<(int Doc, float Score)> Matches { get; } = [];

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) => _scorer = scorer;

    public void SetNextReader(AtomicReaderContext context) => _docBase = context.DocBase;

    public void Collect(int doc) => Matches.Add((_docBase + doc, _scorer!.GetScore()));
}
