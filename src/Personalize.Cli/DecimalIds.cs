namespace Personalize.Cli;

/// <summary>Ids a spreadsheet wrote as decimals: <c>17199.0</c> in one file and <c>17199</c> in another are different ids to the model,
/// and a user given one of them should hear that the model has the other.</summary>
internal static class DecimalIds
{
    /// <summary>The other spelling of a whole-number id: <c>17199.0</c> for <c>17199</c> and <c>17199</c> for <c>17199.0</c>; null for an id
    /// that is not digits (with or without the <c>.0</c>), such as <c>v2</c> or <c>v1.0</c>.</summary>
    public static string? Twin(string id)
    {
        string digits = id.EndsWith(".0", StringComparison.Ordinal) ? id[..^2] : id;
        if (digits.Length == 0 || digits.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0)
        {
            return null;
        }

        return ReferenceEquals(digits, id) ? id + ".0" : digits;
    }
}
