namespace Personalize.Core.Data;

/// <summary>What a reader does with a row it cannot accept.</summary>
public enum BadRowPolicy
{
    /// <summary>Throw an <see cref="InteractionDataException"/> at the first bad row (the default: nothing is lost silently).</summary>
    Fail = 0,

    /// <summary>Skip the row, count it, and report it in <see cref="LoadReport.RejectedRows"/> and to the rejection callback.</summary>
    SkipAndReport = 1,
}
