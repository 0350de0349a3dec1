namespace Personalize.Storefront.Shop;

/// <summary>The storefront cannot start as configured (the sample shop is missing, its journal is in use, the model file is missing); the
/// message says what to change. An <see cref="InvalidOperationException"/>, so callers that caught those before still do.</summary>
internal sealed class StorefrontStartupException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to change.</param>
    /// <param name="innerException">The failure behind it, if any.</param>
    public StorefrontStartupException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
