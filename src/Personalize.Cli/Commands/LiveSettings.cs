using System.ComponentModel;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary>The options of the live surfaces (<c>trending</c>, <c>recently-viewed</c>, <c>buy-again</c>): the log to replay and how to show
/// the list.</summary>
internal class LiveSettings : InputSettings
{
    [CommandOption("-i|--input <FILE>")]
    [Description("The event log (CSV/TSV with user, item, event type and time columns), replayed through the live event tracker.")]
    public string? Input { get; init; }

    [CommandOption("--as-of <TIME>")]
    [Description("Replay events up to this time and answer as of it, read as the log's times are (ISO 8601 or Unix seconds, or in --time-format when given). Default: the last event in the log.")]
    public string? AsOf { get; init; }

    [CommandOption("-k|--top <N>")]
    [Description("How many items. Default: 10.")]
    public int Top { get; init; } = 10;

    [CommandOption("--items <FILE>")]
    [Description("The catalogue CSV: titles in the table and json, the attributes --filter reads, and the categories trending --category and buy-again read (an item with few buyers is scored like its category, so buy-again's scores change with it).")]
    public string? Items { get; init; }

    [CommandOption("--schema <TYPES>")]
    [Description("Column types of the --items catalogue, overriding inference: name:type pairs such as tags:tags,price:number (types: text, number, boolean, datetime, tags, category).")]
    public string? Schema { get; init; }

    [CommandOption("--items-id-col <NAME>")]
    [Description("Column of the item id in the --items catalogue. Default: item_id")]
    public string? ItemsIdCol { get; init; }

    [CommandOption("--filter <TEXT>")]
    [Description("Only items that pass this filter, such as 'in_stock'. Needs --items.")]
    public string? Filter { get; init; }

    [CommandOption("--format <FORMAT>")]
    [Description("table (default), csv or json.")]
    public string Format { get; init; } = "table";

    [CommandOption("--out <FILE>")]
    [Description("Write csv or json to this file instead of the console.")]
    public string? Out { get; init; }

    [CommandOption("--view-event <NAME>")]
    [Description("The event type that is a view. Default: view.")]
    public string? ViewEvent { get; init; }

    [CommandOption("--purchase-event <NAME>")]
    [Description("The event type that is a purchase. Default: purchase.")]
    public string? PurchaseEvent { get; init; }

    [CommandOption("--every-row <TYPE>")]
    [Description("For a log without an event type column: the type of every row, such as purchase for an order log (every row an order line).")]
    public string? EveryRow { get; init; }
}
