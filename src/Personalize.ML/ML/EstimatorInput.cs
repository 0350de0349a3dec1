using Microsoft.ML;
using Personalize.Core.Data;

namespace Personalize.Core.ML;

/// <summary>The column checks and the empty-input check the estimators share.</summary>
internal static class EstimatorInput
{
    public static void Check(DataViewSchema schema, DataViewInteractionReaderOptions columns)
    {
        PersonalizationColumns.RequireId(schema, columns.UserColumnName, "user id");
        PersonalizationColumns.RequireId(schema, columns.ItemColumnName, "item id");
        if (columns.WeightColumnName is { } weight)
        {
            PersonalizationColumns.RequireNumber(schema, weight, "weight");
        }

        if (columns.RatingColumnName is { } rating)
        {
            PersonalizationColumns.RequireNumber(schema, rating, "rating (label)");
        }

        if (columns.EventColumnName is { } events)
        {
            PersonalizationColumns.RequireText(schema, events, "event type");
        }

        if (columns.TimestampColumnName is { } time)
        {
            PersonalizationColumns.RequireTime(schema, time, "timestamp");
        }
    }

    public static void Check(SchemaShape shape, DataViewInteractionReaderOptions columns)
    {
        PersonalizationColumns.RequireId(shape, columns.UserColumnName, "user id");
        PersonalizationColumns.RequireId(shape, columns.ItemColumnName, "item id");
        if (columns.WeightColumnName is { } weight)
        {
            PersonalizationColumns.RequireNumber(shape, weight, "weight");
        }

        if (columns.RatingColumnName is { } rating)
        {
            PersonalizationColumns.RequireNumber(shape, rating, "rating (label)");
        }

        if (columns.EventColumnName is { } events)
        {
            PersonalizationColumns.RequireText(shape, events, "event type");
        }

        if (columns.TimestampColumnName is { } time)
        {
            PersonalizationColumns.RequireTime(shape, time, "timestamp");
        }
    }

    public static void ThrowIfEmpty(InteractionLog log, DataViewInteractionReaderOptions columns, string trainer)
    {
        if (log.Count > 0)
        {
            return;
        }

        string rejected = log.Report.Rejected == 0 ? "it has no rows"
            : $"all {log.Report.Rejected} of its rows were rejected (first: {log.Report.RejectedRows.FirstOrDefault()?.Reason ?? "see the report"})";
        throw new ArgumentException(
            $"{trainer} has nothing to learn from: {rejected}. It needs at least one row with a user id in column '{columns.UserColumnName}' and "
            + $"an item id in column '{columns.ItemColumnName}' ({PersonalizationColumns.IdTypes}).", "input");
    }
}
