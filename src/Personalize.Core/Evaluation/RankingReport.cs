namespace Personalize.Core.Evaluation;

/// <summary>Ranking quality of top-K lists against held-out interactions, averaged over the evaluated users.</summary>
/// <param name="K">The list length.</param>
/// <param name="UsersEvaluated">Users with at least one relevant held-out item who are known to the model.</param>
/// <param name="UsersSkipped">Held-out users unknown to the model (cold start) or whose held-out items were all seen in training.</param>
/// <param name="Precision">Mean of hits / K.</param>
/// <param name="Recall">Mean of hits / |relevant|.</param>
/// <param name="Ndcg">Mean NDCG@K with binary relevance; the ideal DCG is over min(K, |relevant|) hits.</param>
/// <param name="HitRate">Share of users with at least one hit.</param>
public sealed record RankingReport(int K, int UsersEvaluated, int UsersSkipped, double Precision, double Recall, double Ndcg, double HitRate);
