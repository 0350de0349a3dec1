namespace Personalize.Core.Models;

/// <summary>
/// The names under which trainers, importers and tools record how a model was made in <see cref="FactorModel.Properties"/> (saved with
/// the model, shown by <c>personalize inspect</c>). Fold-in reads the training settings back from them, so a model folds users in with
/// the regularization and confidence it was trained with. The values are invariant-culture text.
/// </summary>
/// <remarks>The names are part of the model file format: they never change meaning. <see cref="ConfidenceScale"/> keeps the name
/// <c>alpha</c> that files have always used for what the API calls <c>ConfidenceScale</c>.</remarks>
public static class ModelPropertyNames
{
    /// <summary>The trainer or importer that made the model, such as <c>implicit-als</c> or <c>explicit-mf</c>.</summary>
    public const string Trainer = "trainer";

    /// <summary>The number of factors.</summary>
    public const string Factors = "factors";

    /// <summary>The number of epochs trained.</summary>
    public const string Epochs = "epochs";

    /// <summary>The training seed.</summary>
    public const string Seed = "seed";

    /// <summary>The scale of the random initial factors (the trainer's <c>InitialScale</c>).</summary>
    public const string InitialScale = "initial_scale";

    /// <summary>Explicit MF trained by SGD in earlier versions: how many threads trained it, when SGD ran one block of users and items
    /// per thread and the model depended on the count. Training no longer writes it (the grid is fixed, so no model depends on the
    /// thread count, and the same command writes the same file on any machine); a file that has it still loads.</summary>
    public const string Threads = "threads";

    /// <summary>Explicit MF: how many models, trained from different initial factors, the model averages (absent: one). The model's
    /// factor count is <see cref="Factors"/> times this.</summary>
    public const string Models = "models";

    /// <summary>Explicit MF: <c>true</c> when the users were also represented by the items they rated (SVD++, folded into the user
    /// factors; absent: not).</summary>
    public const string RatedItems = "rated_items";

    /// <summary>Explicit MF: <c>true</c> when the model was drawn by Gibbs sampling (Bayesian matrix factorization; absent: fitted by
    /// SGD). Its regularization properties are then the ones its sampled prior amounts to, for fold-in.</summary>
    public const string Bayesian = "bayesian";

    /// <summary>Implicit ALS: λ, relative to each user's and item's total confidence.</summary>
    public const string Regularization = "regularization";

    /// <summary>Implicit ALS: the exponent of the total confidence that scales λ.</summary>
    public const string RegularizationExponent = "regularization_exponent";

    /// <summary>Implicit ALS: the confidence scale α (the API's <c>ConfidenceScale</c>).</summary>
    public const string ConfidenceScale = "alpha";

    /// <summary>Implicit ALS: how weights became confidence: <c>linear</c> or <c>log</c>.</summary>
    public const string Weighting = "weighting";

    /// <summary>Implicit ALS: the solver, <c>ConjugateGradient</c> or <c>Cholesky</c>.</summary>
    public const string Solver = "solver";

    /// <summary>Implicit ALS: conjugate-gradient steps per solve.</summary>
    public const string ConjugateGradientSteps = "cg_steps";

    /// <summary>Explicit MF: the first epoch's SGD step size.</summary>
    public const string LearningRate = "learning_rate";

    /// <summary>Explicit MF: the step size's decay per epoch.</summary>
    public const string LearningRateDecay = "learning_rate_decay";

    /// <summary>Explicit MF by SGD: the epochs (from 1, comma-separated, one per halving) whose training error diverged (not finite,
    /// or above 1.5 standard deviations of the ratings), so that the trainer undid them and ran them again at half the step size,
    /// which stayed halved for the rest of the schedule (absent: none). An epoch listed twice was run three times.</summary>
    public const string LearningRateHalvedAt = "learning_rate_halved_at";

    /// <summary>Explicit MF: regularization of the factors once per user and item.</summary>
    public const string FactorRegularization = "factor_regularization";

    /// <summary>Explicit MF: regularization of the factors per rating.</summary>
    public const string RatingRegularization = "rating_regularization";

    /// <summary>Explicit MF: regularization of the biases.</summary>
    public const string BiasRegularization = "bias_regularization";

    /// <summary>Implicit ALS: the item-item model's share w in the per-user blend (absent or 0 when there is none); the model's factors are
    /// the ALS factors (<see cref="Factors"/>) followed by <see cref="ItemItemRank"/> item-item values.</summary>
    public const string ItemItemWeight = "item_item_weight";

    /// <summary>Implicit ALS: the popularity share w in the per-user blend <c>(1 − w)·z(personal score) + w·z(ln(1 + users of the item))</c>
    /// (absent or 0 when there is none): the user vectors are scaled by <c>(1 − w)/σ</c> and the item biases hold the popularity part.</summary>
    public const string PopularityWeight = "popularity_weight";

    /// <summary>Implicit ALS: the item-item model's regularization λ.</summary>
    public const string ItemItemRegularization = "item_item_regularization";

    /// <summary>Implicit ALS: how many item-item values follow the ALS factors.</summary>
    public const string ItemItemRank = "item_item_rank";

    /// <summary>Implicit ALS: the eigenvalues behind the item-item values, comma-separated, largest first (fold-in recovers each item's
    /// eigenvector row from them).</summary>
    public const string ItemItemEigenvalues = "item_item_eigenvalues";

    /// <summary>How the options were chosen: <c>auto-tune</c>, <c>given</c> or the fixed defaults with the reason.</summary>
    public const string OptionsChosenBy = "options_chosen_by";

    /// <summary>What the choice of options found (one line).</summary>
    public const string Tuning = "tuning";

    /// <summary>The list people the model does not know get, and why it was chosen.</summary>
    public const string Fallback = "fallback";
}
