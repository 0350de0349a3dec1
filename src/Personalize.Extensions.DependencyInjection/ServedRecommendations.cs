using Personalize.Core.Recommending;

namespace Personalize.Extensions.DependencyInjection;

/// <summary>An answer of <see cref="IRecommendationService.Recommend(string, int, string?)"/>: the list and the model that served it.</summary>
/// <param name="List">The recommendations, best first; its <see cref="RecommendationList.Source"/> says whether they are personal.</param>
/// <param name="ModelVersion">The version of the model that answered (see <see cref="IRecommendationService.ModelVersion"/>); a
/// swap during the query does not change it, since every query runs on one whole model.</param>
/// <param name="ModelSource">Where that model came from: its file path, or the description it was swapped in with.</param>
public sealed record ServedRecommendations(RecommendationList List, long ModelVersion, string ModelSource);
