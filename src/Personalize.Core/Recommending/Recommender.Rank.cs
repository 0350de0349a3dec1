using Personalize.Core.Preferences;

namespace Personalize.Core.Recommending;

/// <content>Re-ranking any candidate list (search hits, a merchandiser's picks, another system's results) for a user.</content>
public sealed partial class Recommender
{
    /// <summary>Orders candidates for a user by blending each candidate's own score with the user's model score.</summary>
    /// <param name="userId">The user's id; an unknown id gets the non-personal order.</param>
    /// <param name="candidates">The candidates, each with its own score (such as a search text score), in any order.</param>
    /// <param name="options">How to blend; <see langword="null"/> for the defaults.</param>
    /// <param name="preferences">The user's saved preferences, or <see langword="null"/>: an opt-out gives the non-personal order.
    /// Blocks are not applied here (the list is only re-ordered); <see cref="CatalogBrowser.Browse(BrowseRequest, RankedList, UserPreferences?)"/>
    /// applies them.</param>
    /// <returns>Every candidate once per occurrence, best first. Nothing is left out: seen items stay (a person searching for
    /// something they bought wants to find it).</returns>
    /// <remarks>
    /// <para>Both scores are min-max normalized over the candidates to [0, 1] (all equal: 1), then blended as
    /// <c>(1 − w) · candidate + w · model</c> with w = <see cref="RankOptions.PersonalizationWeight"/>. A candidate the model does not
    /// know gets the mean normalized model score of the candidates it knows, so new items are neither buried nor favoured.</para>
    /// <para>Unknown users, opted-out users and <see cref="RankOptions.Personalize"/> off get the candidate score alone. Ties are
    /// broken by popularity in the model, then by the candidates' order, so the result is deterministic. Thread-safe; O(n · factors
    /// + n log n) for n candidates.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">A candidate's id is null or its score is not finite.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public RankedList Rank(string userId, IReadOnlyList<RankCandidate> candidates, RankOptions? options = null, UserPreferences? preferences = null)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return Rank(userId, null, candidates, options, preferences);
    }

    /// <summary>Orders candidates for a user folded in from their events since training (<see cref="FoldIn(string?, IEnumerable{Data.Interaction}, Data.EventWeights?)"/>,
    /// or a live tracker's <see cref="Tracking.EventTracker.FoldIn(string, Recommender)"/>), as
    /// <see cref="Rank(string, IReadOnlyList{RankCandidate}, RankOptions?, UserPreferences?)"/> orders them for a user by id, with the
    /// folded-in vector as the user's taste.</summary>
    /// <param name="user">The folded-in user, made by this recommender. One with no new event (<see cref="FoldedUser.EventCount"/> 0) is
    /// ranked as their id is (a user the model does not know: the non-personal order).</param>
    /// <param name="candidates">The candidates, each with its own score, in any order.</param>
    /// <param name="options">How to blend; <see langword="null"/> for the defaults.</param>
    /// <param name="preferences">The user's saved preferences, or <see langword="null"/>: an opt-out gives the non-personal order.</param>
    /// <returns>Every candidate once per occurrence, best first; <see cref="RankedList.UserId"/> is the folded user's id (empty for an
    /// anonymous session).</returns>
    /// <exception cref="ArgumentException">The user was folded in by a recommender of another model, or a candidate's id is null or its
    /// score is not finite.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public RankedList Rank(FoldedUser user, IReadOnlyList<RankCandidate> candidates, RankOptions? options = null, UserPreferences? preferences = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        CheckOwner(user);
        // Nothing new: ranked as the id is (the model's own taste, or none).
        return Rank(user.UserId ?? "", user.EventCount == 0 ? null : user, candidates, options, preferences);
    }

    /// <summary>Both forms of <c>Rank</c>: the taste is the folded user's when given, else the trained user's of that id (if any).</summary>
    private RankedList Rank(string userId, FoldedUser? folded, IReadOnlyList<RankCandidate> candidates, RankOptions? options, UserPreferences? preferences)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        options ??= new RankOptions();
        Internal.OptionsValidation.ThrowIfInvalid(options, nameof(RankOptions));
        float[] scores = NormalizedCandidateScores(candidates);
        bool personal = options.Personalize && preferences?.PersonalizationOptOut != true;
        int user = -1;
        bool tasted = folded is not null || Model.Users.TryGetIndex(userId, out user);
        int n = candidates.Count;
        var modelIndex = new int[n];
        var popularity = new float[n];
        ReadOnlySpan<float> modelPopularity = Model.ItemPopularity;
        for (int i = 0; i < n; i++)
        {
            modelIndex[i] = Model.Items.TryGetIndex(candidates[i].ItemId, out int m) ? m : -1;
            popularity[i] = modelIndex[i] >= 0 ? modelPopularity[modelIndex[i]] : 0;
        }

        RecommendationSource source = !personal ? RecommendationSource.NonPersonal
            : tasted ? RecommendationSource.Personalized
            : RecommendationSource.PopularFallback;
        if (source == RecommendationSource.Personalized && options.PersonalizationWeight > 0)
        {
            if (folded is not null)
            {
                Blend(folded.Factors, folded.Bias, modelIndex, scores, options.PersonalizationWeight);
            }
            else
            {
                Blend(Model.GetUserFactors(user), Model.GetUserBias(user), modelIndex, scores, options.PersonalizationWeight);
            }
        }

        return new RankedList(userId, source, Order(candidates, scores, popularity));
    }

    /// <summary>Replaces each score by (1 − w) · score + w · normalized model score, the model score from a user's factors and bias.</summary>
    private void Blend(ReadOnlySpan<float> userFactors, float userBias, int[] modelIndex, float[] scores, float weight)
    {
        var taste = new float[scores.Length];
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        int knownCount = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (modelIndex[i] >= 0)
            {
                float s = Model.Score(userFactors, userBias, modelIndex[i]);
                taste[i] = s;
                min = Math.Min(min, s);
                max = Math.Max(max, s);
                knownCount++;
            }
        }

        if (knownCount == 0)
        {
            return;   // the model knows none of the candidates: nothing to blend
        }

        double sum = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (modelIndex[i] >= 0)
            {
                taste[i] = max > min ? (taste[i] - min) / (max - min) : 1f;
                sum += taste[i];
            }
        }

        float mean = (float)(sum / knownCount);
        for (int i = 0; i < scores.Length; i++)
        {
            float t = modelIndex[i] >= 0 ? taste[i] : mean;
            scores[i] = ((1 - weight) * scores[i]) + (weight * t);
        }
    }

    /// <summary>The candidates' own scores, checked and min-max normalized to [0, 1] (all equal: 1).</summary>
    internal static float[] NormalizedCandidateScores(IReadOnlyList<RankCandidate> candidates)
    {
        var scores = new float[candidates.Count];
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int i = 0; i < scores.Length; i++)
        {
            RankCandidate candidate = candidates[i];
            if (candidate.ItemId is null)
            {
                throw new ArgumentException($"The candidate at index {i} has a null item id.", nameof(candidates));
            }

            if (!float.IsFinite(candidate.Score))
            {
                throw new ArgumentException($"The candidate at index {i} ('{candidate.ItemId}') has score {candidate.Score}; scores must be finite.", nameof(candidates));
            }

            scores[i] = candidate.Score;
            min = Math.Min(min, candidate.Score);
            max = Math.Max(max, candidate.Score);
        }

        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = max > min ? (float)(((double)scores[i] - min) / ((double)max - min)) : 1f;
        }

        return scores;
    }

    /// <summary>Sorts candidates by score, then popularity (when given, by candidate), then candidate order.</summary>
    internal static RankedItem[] Order(IReadOnlyList<RankCandidate> candidates, float[] scores, float[]? popularity)
    {
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            int c = scores[b].CompareTo(scores[a]);
            if (c == 0 && popularity is not null)
            {
                c = popularity[b].CompareTo(popularity[a]);
            }

            return c != 0 ? c : a.CompareTo(b);
        });
        var ranked = new RankedItem[order.Length];
        for (int r = 0; r < ranked.Length; r++)
        {
            int i = order[r];
            ranked[r] = new RankedItem(candidates[i].ItemId, i, scores[i]);
        }

        return ranked;
    }
}
