using System.ComponentModel.DataAnnotations;
using Personalize.Cli.Commands;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli;

/// <summary>The <c>personalize</c> command line: wiring, exit codes and error reporting.</summary>
internal static class CliApp
{
    public const int Success = 0;
    public const int RuntimeFailure = 1;
    public const int BadInput = 2;

    /// <summary>Runs the tool with the given arguments and consoles; returns the exit code.</summary>
    public static int Run(string[] args, IAnsiConsole? output = null, TextWriter? error = null, bool? interactive = null)
    {
        if (output is not null || error is not null)
        {
            CliConsole.Use(output ?? AnsiConsole.Console, error ?? Console.Error, interactive ?? false);
        }

        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("personalize");
            config.PropagateExceptions();
            config.UseStrictParsing();
            if (output is not null)
            {
                config.ConfigureConsole(output);
            }

            config.AddCommand<TrainCommand>("train").WithDescription("Train a model from an interaction log (CSV/TSV).")
                .WithExample(Examples["train"]);
            config.AddCommand<TuneCommand>("tune").WithDescription("Search trainer options on a validation split (grid or random, early stopping) and write the best as JSON for train --options.")
                .WithExample(Examples["tune"]);
            config.AddCommand<RecommendCommand>("recommend").WithDescription("Recommend items for users from a saved model.")
                .WithExample(Examples["recommend"]);
            config.AddCommand<RelatedCommand>("related").WithDescription("Items related to an item or a basket: item factors blended with co-occurrence; each says which.")
                .WithExample(Examples["related"]);
            config.AddCommand<BrowseCommand>("browse").WithDescription("Browse the catalogue: filter, sort, page and count facets.")
                .WithExample(Examples["browse"]);
            config.AddCommand<SearchCommand>("search").WithDescription("Search the catalogue's text (typo- and prefix-tolerant), filtered, sorted, paged and faceted like browse, and re-ranked for --user with --model.")
                .WithExample(Examples["search"]);
            config.AddCommand<PreferencesCommand>("preferences").WithDescription("Show or change a user's saved preferences (default filter, blocks, sort, opt-out) in a SQLite store.")
                .WithExample(Examples["preferences"]);
            config.AddCommand<TrendingCommand>("trending").WithDescription("Replay an event log and list the items trending now (event rate against each item's own baseline), globally or per category.")
                .WithExample(Examples["trending"]);
            config.AddCommand<RecentlyViewedCommand>("recently-viewed").WithDescription("Replay an event log and list a user's last distinct viewed items, newest first.")
                .WithExample(Examples["recently-viewed"]);
            config.AddCommand<BuyAgainCommand>("buy-again").WithDescription("Replay an event log and list what a user is likely to re-order now (repeat rate × how due it is).")
                .WithExample(Examples["buy-again"]);
            config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Measure a trainer on held-out data next to the baselines; table, JSON and a Markdown report.")
                .WithExample(Examples["evaluate"]);
            config.AddCommand<PredictCommand>("predict").WithDescription("Score every (user, item) pair of a CSV: predicted ratings for explicit models.")
                .WithExample(Examples["predict"]);
            config.AddCommand<ImportSparkCommand>("import-spark").WithDescription("Import a Spark MLlib ALS model (the folder model.save(path) wrote) into a model file.")
                .WithExample(Examples["import-spark"]);
            config.AddCommand<DemoCommand>("demo").WithDescription("Train on the bundled sample shop and show users' history next to their recommendations.");
            config.AddCommand<SampleCommand>("sample").WithDescription("Write the synthetic sample shop (items, events, ratings) to a folder.");
            config.AddCommand<InspectCommand>("inspect").WithDescription("Show what a model file holds.");
        });

        string[] arguments = NormalizeArguments(args);
        try
        {
            if (RepeatedOption(args) is { } repeated)
            {
                throw new UsageException(repeated);
            }

            if (MissingValue(arguments) is { } missing)
            {
                throw new UsageException(missing);
            }

            return app.Run(arguments);
        }
        catch (CommandParseException) when (UnknownOption(arguments) is { } message)
        {
            CliConsole.Error.WriteLine($"error: {message}");
            return BadInput;
        }
        catch (Exception exception) when (Classify(exception) is { } code)
        {
            CliConsole.Error.WriteLine($"error: {UnconvertedValue(exception, arguments) ?? InOptionTerms(Message(exception), exception, arguments)}");
            return code;
        }
    }

    /// <summary>
    /// For the parser's "Failed to convert 'x' to Int32." (which names neither the option nor what it takes): the option that was given
    /// the value and what it expects; otherwise null, and the parser's own message stands.
    /// </summary>
    internal static string? UnconvertedValue(Exception exception, string[] arguments)
    {
        System.Text.RegularExpressions.Match match = System.Text.RegularExpressions.Regex.Match(exception.Message, "^Failed to convert '(.*)' to ");
        if (!match.Success || arguments.Length == 0 || !Commands.TryGetValue(arguments[0], out Type? commandType))
        {
            return null;
        }

        string value = match.Groups[1].Value;
        for (int a = 1; a < arguments.Length; a++)
        {
            string[] parts = arguments[a].Split('=', 2);
            string? given = parts.Length == 2 ? parts[1] : a + 1 < arguments.Length ? arguments[a + 1] : null;
            if (!parts[0].StartsWith('-') || given != value || OptionType(commandType, parts[0]) is not { } type)
            {
                continue;
            }

            string expected = type == typeof(int) || type == typeof(long)
                ? $"a whole number (such as 10; at most {(type == typeof(int) ? int.MaxValue : long.MaxValue):N0})"
                : type == typeof(double) || type == typeof(float)
                    ? "a number with a decimal point, such as 0.2"
                    : type.Name;
            string shown = parts[0] == "-k" ? "--k" : parts[0];
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{shown} '{value}' is not {expected}.");
        }

        return null;
    }

    /// <summary>The value type of a command's option (without Nullable), or null when the command has no such option.</summary>
    private static Type? OptionType(Type commandType, string name) =>
        OptionsByName(commandType).TryGetValue(name, out var option) ? option.Type : null;

    /// <summary>Each option of a command by each of its names (<c>--name</c>, <c>-n</c>), with the property it fills and that property's
    /// value type (without Nullable; <c>bool</c> for a flag).</summary>
    private static Dictionary<string, (CommandOptionAttribute Option, System.Reflection.PropertyInfo Property, Type Type)> OptionsByName(Type commandType)
    {
        var byName = new Dictionary<string, (CommandOptionAttribute, System.Reflection.PropertyInfo, Type)>(StringComparer.Ordinal);
        foreach (var (option, property) in OptionsOf(commandType))
        {
            Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            foreach (string name in option.LongNames.Select(n => "--" + n).Concat(option.ShortNames.Select(n => "-" + n)))
            {
                byName.TryAdd(name, (option, property, type));
            }
        }

        return byName;
    }

    /// <summary>The example of each command that has one, as its help shows it: a value with spaces or characters a shell reads (<c>;</c>,
    /// <c>&lt;</c>) is in single quotes, so the line can be pasted into a shell as it is.</summary>
    internal static IReadOnlyDictionary<string, string[]> Examples { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["train"] = ["train", "--input", "samples/data/events.csv", "--out", "model.pzm"],
        ["tune"] = ["tune", "--input", "samples/data/events.csv", "--space", "'factors=16,32,64;regularization=0.01..1;alpha=10,40'", "--out", "best.json"],
        ["recommend"] = ["recommend", "--model", "model.pzm", "--user", "U0001", "--top", "10"],
        ["related"] = ["related", "--model", "model.pzm", "--item", "I0042", "--top", "10"],
        ["browse"] = ["browse", "--items", "samples/data/items.csv", "--filter", "'price <= 50 and in_stock'", "--sort", "price-asc", "--facets", "brand,category"],
        ["search"] = ["search", "--items", "samples/data/items.csv", "--query", "'pour over kettle'", "--filter", "'price <= 100'", "--facets", "brand"],
        ["preferences"] = ["preferences", "--store", "prefs.db", "--user", "U0001", "--block-brand", "Acme", "--sort", "price-asc"],
        ["trending"] = ["trending", "--input", "samples/data/events.csv", "--half-life", "6h", "--baseline-half-life", "7d", "--items", "samples/data/items.csv"],
        ["recently-viewed"] = ["recently-viewed", "--input", "samples/data/events.csv", "--user", "U0001", "--items", "samples/data/items.csv", "--filter", "in_stock"],
        ["buy-again"] = ["buy-again", "--input", "samples/data/events.csv", "--user", "U0001", "--items", "samples/data/items.csv"],
        ["evaluate"] = ["evaluate", "--input", "samples/data/events.csv", "--split", "time", "--report", "report.md"],
        ["predict"] = ["predict", "--model", "ratings.pzm", "--input", "pairs.csv", "--out", "preds.csv"],
        ["import-spark"] = ["import-spark", "--model-dir", "als-model", "--out", "model.pzm", "--ids", "ids.csv", "--interactions", "events.csv"],
    };

    /// <summary>The commands of the tool by name, with the command classes that run them.</summary>
    internal static IReadOnlyDictionary<string, Type> Commands { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["train"] = typeof(TrainCommand),
        ["tune"] = typeof(TuneCommand),
        ["recommend"] = typeof(RecommendCommand),
        ["related"] = typeof(RelatedCommand),
        ["browse"] = typeof(BrowseCommand),
        ["search"] = typeof(SearchCommand),
        ["preferences"] = typeof(PreferencesCommand),
        ["trending"] = typeof(TrendingCommand),
        ["recently-viewed"] = typeof(RecentlyViewedCommand),
        ["buy-again"] = typeof(BuyAgainCommand),
        ["evaluate"] = typeof(EvaluateCommand),
        ["predict"] = typeof(PredictCommand),
        ["import-spark"] = typeof(ImportSparkCommand),
        ["demo"] = typeof(DemoCommand),
        ["sample"] = typeof(SampleCommand),
        ["inspect"] = typeof(InspectCommand),
    };

    /// <summary>Accepts <c>--k</c> (the documented spelling) for <c>-k</c>: the parser takes one-letter options only in short form.</summary>
    internal static string[] NormalizeArguments(string[] args) =>
        [.. args.Select(NormalizeArgument)];

    /// <summary>One argument as the parser takes it: <c>--k</c> (and <c>--k=N</c>) is the short option <c>-k</c>.</summary>
    internal static string NormalizeArgument(string argument) =>
        argument == "--k" ? "-k" : argument.StartsWith("--k=", StringComparison.Ordinal) ? "-k=" + argument[4..] : argument;

    /// <summary>
    /// When the arguments hold an option the command does not have, says so and suggests the nearest known option (by edit distance);
    /// otherwise null, and the parser's own message stands.
    /// </summary>
    internal static string? UnknownOption(string[] arguments)
    {
        if (arguments.Length == 0 || !Commands.TryGetValue(arguments[0], out Type? commandType))
        {
            return null;
        }

        string command = arguments[0];
        HashSet<string> known = KnownOptions(commandType);
        foreach (string argument in arguments.Skip(1))
        {
            if (!argument.StartsWith('-') || argument == "-" || argument == "--" || double.TryParse(argument, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            string name = argument.Split('=', 2)[0];
            if (known.Contains(name))
            {
                continue;
            }

            string? nearest = Nearest(name, known);
            string hint = nearest is null ? $"see 'personalize {command} --help' for its options" : $"did you mean {nearest}?";
            return $"unknown option '{name}' for '{command}': {hint}";
        }

        return null;
    }

    /// <summary>
    /// When the arguments give an option that takes one value more than once (by any of its names, as <c>--name value</c>,
    /// <c>--name=value</c> or <c>--name:value</c>), says so with the values given, as the parser would silently keep the last; otherwise
    /// null. Options that collect a list (such as related's <c>--item</c>, a basket) may repeat; a flag given twice is refused too.
    /// </summary>
    internal static string? RepeatedOption(string[] arguments)
    {
        if (arguments.Length == 0 || !Commands.TryGetValue(arguments[0], out Type? commandType))
        {
            return null;
        }

        var byName = OptionsByName(commandType);

        var given = new Dictionary<string, List<(string Name, string? Value)>>(StringComparer.Ordinal);
        string? first = null;
        bool firstIsFlag = false;
        for (int a = 1; a < arguments.Length; a++)
        {
            string argument = arguments[a];
            if (argument == "--")
            {
                break;
            }

            if (!argument.StartsWith('-') || argument == "-")
            {
                continue;
            }

            // The parser reads --name=value and --name:value as well as --name value; a flag takes a following true or false.
            int separator = argument.IndexOfAny(['=', ':'], argument.StartsWith("--", StringComparison.Ordinal) ? 2 : 1);
            string name = separator < 0 ? argument : argument[..separator];
            if (!byName.TryGetValue(NormalizeArgument(name), out var option))
            {
                continue;
            }

            (System.Reflection.PropertyInfo property, Type type) = (option.Property, option.Type);
            bool flag = type == typeof(bool);
            string? value = separator >= 0 ? argument[(separator + 1)..]
                : flag ? (a + 1 < arguments.Length && bool.TryParse(arguments[a + 1], out _) ? arguments[++a] : null)
                : a + 1 < arguments.Length ? arguments[++a] : null;
            if (type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
            {
                continue;
            }

            if (!given.TryGetValue(property.Name, out List<(string Name, string? Value)>? uses))
            {
                given[property.Name] = uses = [];
            }

            uses.Add((name, value));
            if (uses.Count == 2 && first is null)
            {
                (first, firstIsFlag) = (property.Name, flag);
            }
        }

        return first is null ? null : Repeated(given[first], firstIsFlag);
    }

    /// <summary>
    /// When an option that takes a value is last, or followed by another option, says so; otherwise null. The parser would fill the
    /// value in with a placeholder of its own ("__default_command") and the command would run with it: write a file of that name, or
    /// list a user of that name.
    /// </summary>
    internal static string? MissingValue(string[] arguments)
    {
        if (arguments.Length == 0 || !Commands.TryGetValue(arguments[0], out Type? commandType))
        {
            return null;
        }

        var byName = OptionsByName(commandType);
        HashSet<string> known = KnownOptions(commandType);
        bool IsOption(string argument) =>
            known.Contains(argument.Split('=', 2)[0]) || (argument.Length > 2 && argument.StartsWith("--", StringComparison.Ordinal) && char.IsAsciiLetter(argument[2]));
        for (int a = 1; a < arguments.Length; a++)
        {
            string argument = arguments[a];
            if (argument == "--")
            {
                break;
            }

            if (!byName.TryGetValue(argument, out var option) || option.Type == typeof(bool))
            {
                continue;   // not an option, given with =value, or a flag
            }

            if (a + 1 == arguments.Length || IsOption(arguments[a + 1]))
            {
                string shown = argument == "-k" ? "--k" : argument;
                string what = option.Option.ValueName is { Length: > 0 } name ? $" ({name})" : "";
                return $"{shown} needs a value{what}; see 'personalize {arguments[0]} --help'.";
            }

            a++;   // the value, which may itself start with '-' (a negative number)
        }

        return null;
    }

    /// <summary>"--input is given twice ('a.csv' and 'b.csv'); give it once.", naming each spelling used (<c>-k</c> and <c>--top</c>).</summary>
    private static string Repeated(List<(string Name, string? Value)> uses, bool flag)
    {
        List<string> names = [.. uses.DistinctBy(u => NormalizeArgument(u.Name), StringComparer.Ordinal).Select(u => u.Name)];
        string times = uses.Count == 2 ? "twice" : $"{uses.Count} times";
        string subject = names.Count == 1 ? $"{names[0]} is given {times}" : $"{JoinAnd(names)} are one option, given {times}";
        return flag || uses.Any(u => u.Value is null)
            ? $"{subject}; give it once."
            : $"{subject} ({JoinAnd([.. uses.Select(u => $"'{u.Value}'")])}); give it once.";
    }

    /// <summary>"a", "a and b", "a, b and c".</summary>
    internal static string JoinAnd(IReadOnlyList<string> parts) =>
        parts.Count == 1 ? parts[0] : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1];

    /// <summary>The long (<c>--name</c>) and short (<c>-n</c>) options of a command, <c>--help</c> included.</summary>
    internal static HashSet<string> KnownOptions(Type commandType)
    {
        var known = new HashSet<string>(StringComparer.Ordinal) { "-h", "--help" };
        foreach (var (option, _) in OptionsOf(commandType))
        {
            known.UnionWith(option.LongNames.Select(n => "--" + n));
            known.UnionWith(option.ShortNames.Select(n => "-" + n));
        }

        return known;
    }

    /// <summary>Each option of a command with the settings property it fills.</summary>
    private static IEnumerable<(CommandOptionAttribute Option, System.Reflection.PropertyInfo Property)> OptionsOf(Type commandType) =>
        SettingsOptions(commandType.BaseType!.GetGenericArguments()[0]);

    /// <summary>Each option a settings class declares with the property it fills; with <paramref name="declaredOnly"/>, only those of the
    /// class itself, not of its base classes.</summary>
    internal static IEnumerable<(CommandOptionAttribute Option, System.Reflection.PropertyInfo Property)> SettingsOptions(Type settings, bool declaredOnly = false)
    {
        var flags = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance
            | (declaredOnly ? System.Reflection.BindingFlags.DeclaredOnly : System.Reflection.BindingFlags.Default);
        foreach (var property in settings.GetProperties(flags))
        {
            if (property.GetCustomAttributes(typeof(CommandOptionAttribute), inherit: true).FirstOrDefault() is CommandOptionAttribute option)
            {
                yield return (option, property);
            }
        }
    }

    private static string? Nearest(string name, IEnumerable<string> known)
    {
        string bare = name.TrimStart('-');
        string? best = null;
        int bestDistance = int.MaxValue;

        // Nearest first; on a tie, a name of the same length (a mistyped letter), then the alphabetically first.
        foreach (string candidate in known.Where(k => k.StartsWith("--", StringComparison.Ordinal))
                     .OrderBy(k => k.Length - 2 == bare.Length ? 0 : 1).ThenBy(k => k, StringComparer.Ordinal))
        {
            int distance = EditDistance(bare, candidate[2..]);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        // A suggestion must be near: at most a third of the name's letters (at least one, at most three) differ.
        return bestDistance <= Math.Clamp(bare.Length / 3, 1, 3) ? best : null;
    }

    /// <summary>
    /// The edit distance between two names (optimal string alignment, ignoring case): the fewest single-letter insertions, deletions,
    /// substitutions and swaps of neighbours that turn one into the other.
    /// </summary>
    internal static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(d[i - 1, j - 1] + cost, Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1));
                if (i > 1 && j > 1 && char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 2])
                    && char.ToLowerInvariant(a[i - 2]) == char.ToLowerInvariant(b[j - 1]))
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>The library options' property names that a command-line option sets, so that a refusal written for code
    /// (<c>ImplicitAlsTrainer.Options is invalid (1 error): NumberOfThreads = 0: ...</c>) names the option the person typed.</summary>
    private static readonly Dictionary<string, string> PropertyOptions = new(StringComparer.Ordinal)
    {
        ["NumberOfThreads"] = "--threads",
        ["NumberOfFactors"] = "--factors",
        ["NumberOfIterations"] = "--epochs",
        ["Regularization"] = "--regularization",
        ["ConfidenceScale"] = "--confidence-scale",
        ["LearningRate"] = "--learning-rate",
        ["BiasRegularization"] = "--bias-regularization",
        ["RatingRegularization"] = "--rating-regularization",
        ["NumberOfModels"] = "--models",
        ["ItemItemWeight"] = "--item-item-weight",
        ["PopularityWeight"] = "--popularity-weight",
        ["ItemItemRegularization"] = "--item-item-regularization",
        ["ItemItemRank"] = "--item-item-rank",
        ["Seed"] = "--seed",
        ["Patience"] = "--patience",
        ["MinEpochs"] = "--min-epochs",
        ["MinimumEpochs"] = "--min-epochs",
        ["MaxCandidates"] = "--candidates",
        ["K"] = "--top-k",
        ["ShortHalfLife"] = "--half-life",
        ["BaselineHalfLife"] = "--baseline-half-life",
        ["BuyAgainMinimumRepeatRate"] = "--min-repeat-rate",
        ["UserColumn"] = "--user-col",
        ["ItemColumn"] = "--item-col",
        ["EventColumn"] = "--event-col",
        ["TimeColumn"] = "--time-col",
        ["TimeFormat"] = "--time-format",
        ["WeightColumn"] = "--weight-col",
        ["QuantityColumn"] = "--quantity-col",
        ["RatingColumn"] = "--rating-col",
        ["MinRating"] = "--min-rating",
        ["MaxRating"] = "--max-rating",
        ["Items"] = "--items",
        ["Users"] = "--users",
        ["Events"] = "--events",
        ["testFraction"] = "--test-fraction",
        ["PerUser"] = "--split per-user",
    };

    /// <summary>
    /// Rewrites a library refusal in the terms of the command line: <c>X is invalid (1 error): NumberOfThreads = 0: must be ...</c>
    /// becomes <c>--threads 0: must be ...</c>, property names the command's options set become those options, and .NET's
    /// <c>(Parameter 'x') Actual value was y.</c> (which the message already says in words) goes. Names no option of the running
    /// command sets are left as they are.
    /// </summary>
    internal static string InOptionTerms(string message, Exception exception, string[] arguments)
    {
        // A refusal of a file's content (an options file's NumberOfFactors) names what the file says, so it stays as it is.
        if (exception is TrainerOptionsFileException or InteractionDataException or ModelFormatException
            || exception is not (ValidationException or ArgumentException or InvalidOperationException or UsageException) || arguments.Length == 0
            || !Commands.TryGetValue(arguments[0], out Type? commandType))
        {
            return message;
        }

        if (arguments.Skip(1).Any(a => a.Length > 0 && !a.StartsWith('-') && message.StartsWith(a + ":", StringComparison.Ordinal)))
        {
            return message;   // about a file the person named (such as --options best.json): its own names stand
        }

        if (message.StartsWith("--space:", StringComparison.Ordinal))
        {
            return message;   // names the space's dimensions (NumberOfIterations (epochs)), not the command's options
        }

        string? Flag(string property) =>
            PropertyOptions.TryGetValue(property, out string? flag) && OptionType(commandType, flag.Split(' ')[0]) is not null ? flag : null;

        if (exception is ArgumentException or UsageException)
        {
            message = System.Text.RegularExpressions.Regex.Replace(message, @"\s*\(Parameter '[^']*'\)(\s*Actual value was .*?\.(?=\s|$))?", "").Trim();
        }

        // "TypeName is invalid (2 errors): A = 1: reason. B = 2: reason." -> "--a 1: reason. --b 2: reason." when every one maps.
        System.Text.RegularExpressions.Match invalid = System.Text.RegularExpressions.Regex.Match(message, @"^[\w.]+ is invalid \(\d+ errors?\): ");
        string body = invalid.Success ? message[invalid.Length..] : message;
        var assignments = System.Text.RegularExpressions.Regex.Matches(body, @"(?<=^|\. )(\w+) = ");
        if (invalid.Success && assignments.Count > 0 && assignments.All(a => Flag(a.Groups[1].Value) is not null))
        {
            message = body;
        }

        message = System.Text.RegularExpressions.Regex.Replace(message, @"(?<=^|\. )(\w+) = ", m => Flag(m.Groups[1].Value) is { } flag ? flag + " " : m.Value);
        // SampleShopOptions.Items, and compound names such as ShortHalfLife or PerUser in the text; a plain word ("Items") is left alone.
        return System.Text.RegularExpressions.Regex.Replace(message, @"\b(\w+Options\.)?([A-Z]\w*)\b", m =>
            (m.Groups[1].Success || m.Groups[2].Value.Count(char.IsUpper) > 1) && Flag(m.Groups[2].Value) is { } flag ? flag : m.Value);
    }

    private static int? Classify(Exception exception) => exception switch
    {
        UsageException or CommandParseException or CommandConfigurationException or CommandRuntimeException => BadInput,
        InteractionDataException or ModelFormatException or TrainerOptionsFileException or ValidationException or FormatException => BadInput,
        FileNotFoundException or DirectoryNotFoundException => BadInput,
        OperationCanceledException => RuntimeFailure,
        _ => RuntimeFailure,
    };

    private static string Message(Exception exception)
    {
        string message = exception.Message.ReplaceLineEndings(" ");
        string? path = exception switch
        {
            InteractionDataException e => e.FilePath,
            ModelFormatException e => e.FilePath,
            TrainerOptionsFileException e => e.FilePath,
            _ => null,
        };
        if (path is null)
        {
            return message.Trim();
        }

        // The library's messages start with the file's name; the person gave a path (such as /dev/null), so name that.
        string name = Path.GetFileName(path);
        return name.Length > 0 && message.StartsWith(name, StringComparison.Ordinal) && !message.StartsWith(path, StringComparison.Ordinal)
            ? path + message[name.Length..]
            : message;
    }
}
