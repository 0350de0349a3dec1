namespace Personalize.Core.Training;

/// <summary>How <see cref="ImplicitAlsTrainer"/> turns a (user, item) weight — summed event weights, quantities or play counts — into
/// confidence.</summary>
public enum ConfidenceWeighting
{
    /// <summary><see cref="Logarithmic"/> when the weights have a heavy tail (the largest is at least 100 times the median rounded up to a
    /// power of two, so 200 times a median of 1 and 400 times one of 3: play counts,
    /// quantities), <see cref="Linear"/> otherwise (event-type weights such as view=1, cart=4, purchase=10). The model records which.</summary>
    Automatic = 0,

    /// <summary>Confidence grows with the weight itself: <c>c = α · w / mean(w)</c>. A user who played an artist 10,000 times outweighs
    /// everything else they did.</summary>
    Linear = 1,

    /// <summary>Confidence grows with the logarithm of the weight: <c>c = α · ln(1 + w) / mean(ln(1 + w))</c> (Hu, Koren and Volinsky's
    /// log scaling). Heavy-tailed counts keep their order without drowning the rest; for 0/1 data it equals <see cref="Linear"/>.</summary>
    Logarithmic = 2,
}
