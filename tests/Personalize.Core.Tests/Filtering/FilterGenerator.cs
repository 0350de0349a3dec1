using System.Globalization;
using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Filtering;

namespace Personalize.Core.Tests.Filtering;

/// <summary>
/// Generates random filters through the public API (the static entry points and <see cref="FilterBuilder"/>), each with a random
/// non-canonical spelling of the same filter: keywords in any case, random white space, redundant parentheses, <c>!=</c> for
/// <c>not … =</c>, <c>= true</c> for a bare name, trailing zeros, and date-times in other offsets or as dates alone.
/// </summary>
internal sealed class FilterGenerator
{
    /// <summary>The attributes of <see cref="Schema"/>, by type; typed generation only uses these.</summary>
    public static readonly (string Name, AttributeType Type)[] Attributes =
    [
        ("brand", AttributeType.Text), ("colour", AttributeType.Text), ("price", AttributeType.Number), ("rating", AttributeType.Number),
        ("in_stock", AttributeType.Boolean), ("featured", AttributeType.Boolean), ("added", AttributeType.DateTime),
        ("updated_at", AttributeType.DateTime), ("tags", AttributeType.Tags), ("labels", AttributeType.Tags),
        ("category", AttributeType.Category), ("_dept2", AttributeType.Category),
    ];

    public static readonly CatalogSchema Schema = new(Attributes.Select(a => KeyValuePair.Create(a.Name, a.Type)));

    private static readonly string[] Pieces = ["a", "Z", "acme", " ", "\"", "\\", "\\\"", "é", "東京", "😀", "\t", "\n", "(", ")", ",", "and", "or", "x y", "-1", "'"];
    private static readonly string[] Spaces = [" ", " ", " ", "  ", "\t", "\n", "\r\n"];

    private readonly Random _random;
    private readonly bool _typed;
    private int _leaves;

    public FilterGenerator(Random random, bool typed)
    {
        _random = random;
        _typed = typed;
    }

    /// <summary>Returns a random filter and a random spelling of it as a list of tokens (see <see cref="Join"/>).</summary>
    public (Filter Filter, List<string> Tokens) Next()
    {
        _leaves = 0;
        return Generate(depth: 0);
    }

    /// <summary>Joins tokens with random white space, leaving it out next to punctuation now and then.</summary>
    public string Join(List<string> tokens)
    {
        var text = new StringBuilder();
        if (_random.Next(8) == 0)
        {
            text.Append(Pick(Spaces));
        }

        for (int i = 0; i < tokens.Count; i++)
        {
            if (i > 0)
            {
                bool punctuation = IsPunctuation(tokens[i - 1]) || IsPunctuation(tokens[i]);
                if (!(punctuation && _random.Next(3) == 0))
                {
                    text.Append(Pick(Spaces));
                }
            }

            text.Append(tokens[i]);
        }

        if (_random.Next(8) == 0)
        {
            text.Append(Pick(Spaces));
        }

        return text.ToString();
    }

    public string RandomText(int maxPieces = 4)
    {
        var text = new StringBuilder();
        int count = _random.Next(maxPieces + 1);
        for (int i = 0; i < count; i++)
        {
            text.Append(Pick(Pieces));
        }

        return text.ToString();
    }

    private static bool IsPunctuation(string token) => token is "(" or ")" or "," or "=" or "!=" or ">=" or "<=" or ">" or "<";

    private (Filter, List<string>) Generate(int depth)
    {
        int choice = _random.Next(10);
        if (depth >= 5 || _leaves > 12 || choice < 5)
        {
            _leaves++;
            return Leaf();
        }

        if (choice == 5)
        {
            (Filter operand, List<string> tokens) = Generate(depth + 1);
            var spelled = new List<string> { Keyword("not") };
            spelled.AddRange(operand.Kind is FilterKind.And or FilterKind.Or || _random.Next(6) == 0 ? Parenthesize(tokens) : tokens);
            return (Filter.Not(operand), spelled);
        }

        bool and = choice < 8;
        int count = _random.Next(2, 4);
        var operands = new List<Filter>();
        var all = new List<string>();
        for (int i = 0; i < count; i++)
        {
            (Filter operand, List<string> tokens) = Generate(depth + 1);
            operands.Add(operand);
            if (i > 0)
            {
                all.Add(Keyword(and ? "and" : "or"));
            }

            // An or inside an and needs parentheses; anything else may have them.
            all.AddRange((and && operand.Kind == FilterKind.Or) || _random.Next(8) == 0 ? Parenthesize(tokens) : tokens);
        }

        Filter filter = _random.Next(3) switch
        {
            0 => and ? Filter.AllOf(operands) : Filter.AnyOf(operands),
            1 => operands.Skip(1).Aggregate(operands[0], (left, right) => and ? left.And(right) : left.Or(right)),
            _ => Build(operands, and),
        };
        return (filter, all);
    }

    private static Filter Build(List<Filter> operands, bool and)
    {
        var builder = new FilterBuilder();
        for (int i = 0; i < operands.Count; i++)
        {
            if (i > 0 && !and)
            {
                builder.Or();
            }

            builder.Where(operands[i]);
        }

        return builder.Build();
    }

    private List<string> Parenthesize(List<string> tokens) => ["(", .. tokens, ")"];

    private (Filter, List<string>) Leaf()
    {
        int perUser = _random.Next(12);
        if (perUser == 0)
        {
            return (Filter.NotSeen, [Keyword("not"), Keyword("seen")]);
        }

        if (perUser == 1)
        {
            return (Filter.NotBought, [Keyword("not"), Keyword("bought")]);
        }

        if (_typed)
        {
            (string name, AttributeType type) = Pick(Attributes);
            return TypedCondition(name, type);
        }

        string attribute = RandomName();
        return TypedCondition(attribute, (AttributeType)_random.Next(1, 7));
    }

    private (Filter, List<string>) TypedCondition(string name, AttributeType type)
    {
        FilterCondition where = Filter.Where(name);
        int pick = _random.Next(16);
        if (pick == 0)
        {
            return (where.Exists(), [name, Keyword("exists")]);
        }

        switch (type)
        {
            case AttributeType.Text:
            {
                if (pick < 8)
                {
                    string value = RandomText();
                    return Equality(where.EqualTo(value), name, Quote(value));
                }

                string[] values = Enumerable.Range(0, _random.Next(1, 5)).Select(_ => RandomText()).ToArray();
                return (where.In(values), [name, Keyword("in"), .. List(values.Select(Quote))]);
            }

            case AttributeType.Number:
            {
                if (pick < 4)
                {
                    decimal value = RandomNumber();
                    return Equality(where.EqualTo(value), name, Spell(value));
                }

                if (pick < 7)
                {
                    decimal[] values = Enumerable.Range(0, _random.Next(1, 5)).Select(_ => RandomNumber()).ToArray();
                    return (where.In(values), [name, Keyword("in"), .. List(values.Select(Spell))]);
                }

                if (pick < 10)
                {
                    (decimal low, decimal high) = Ordered(RandomNumber(), RandomNumber());
                    return (where.Between(low, high), [name, Keyword("between"), Spell(low), Keyword("and"), Spell(high)]);
                }

                decimal bound = RandomNumber();
                return Comparison(where, name, pick, bound, Spell(bound));
            }

            case AttributeType.Boolean:
                if (pick < 9)
                {
                    var spelled = _random.Next(2) == 0 ? new List<string> { name } : [name, "=", Keyword("true")];
                    if (_random.Next(4) == 0)
                    {
                        return (Filter.Not(where.IsTrue()), _random.Next(2) == 0 ? [Keyword("not"), .. spelled] : [name, "!=", Keyword("true")]);
                    }

                    return (where.IsTrue(), spelled);
                }

                if (_random.Next(4) == 0)
                {
                    return (Filter.Not(where.IsFalse()), _random.Next(2) == 0 ? [Keyword("not"), name, "=", Keyword("false")] : [name, "!=", Keyword("false")]);
                }

                return (where.IsFalse(), [name, "=", Keyword("false")]);
            case AttributeType.DateTime:
            {
                if (pick < 7)
                {
                    (DateTimeOffset low, DateTimeOffset high) = Ordered(RandomDateTime(), RandomDateTime());
                    return (where.Between(low, high), [name, Keyword("between"), Spell(low), Keyword("and"), Spell(high)]);
                }

                DateTimeOffset bound = RandomDateTime();
                return Comparison(where, name, pick, bound, Spell(bound));
            }

            case AttributeType.Tags:
            {
                string[] tags = Enumerable.Range(0, _random.Next(1, 5)).Select(_ => RandomText()).ToArray();
                bool all = pick % 2 == 0;
                return (all ? where.ContainsAll(tags) : where.ContainsAny(tags),
                    [name, Keyword("contains"), Keyword(all ? "all" : "any"), .. List(tags.Select(Quote))]);
            }

            default:
            {
                if (pick < 5)
                {
                    string value = RandomText();
                    return Equality(where.EqualTo(value), name, Quote(value));
                }

                string path = string.Join('/', Enumerable.Range(0, _random.Next(1, 4)).Select(_ => RandomText(3).Replace("/", "", StringComparison.Ordinal) + "s"));
                return (where.Under(path), [name, Keyword("under"), Quote(path)]);
            }
        }
    }

    /// <summary>An equality, negated now and then, spelled <c>name = v</c>, <c>not name = v</c> or <c>name != v</c>.</summary>
    private (Filter, List<string>) Equality(Filter equal, string name, string value)
    {
        if (_random.Next(4) != 0)
        {
            return (equal, [name, "=", value]);
        }

        return (Filter.Not(equal), _random.Next(2) == 0 ? [Keyword("not"), name, "=", value] : [name, "!=", value]);
    }

    private (Filter, List<string>) Comparison<T>(FilterCondition where, string name, int pick, T bound, string spelled)
    {
        (Filter filter, string op) = (pick % 4, bound) switch
        {
            (0, decimal d) => (where.AtLeast(d), ">="),
            (1, decimal d) => (where.AtMost(d), "<="),
            (2, decimal d) => (where.GreaterThan(d), ">"),
            (_, decimal d) => (where.LessThan(d), "<"),
            (0, DateTimeOffset t) => (where.AtLeast(t), ">="),
            (1, DateTimeOffset t) => (where.AtMost(t), "<="),
            (2, DateTimeOffset t) => (where.GreaterThan(t), ">"),
            (_, DateTimeOffset t) => (where.LessThan(t), "<"),
            _ => throw new InvalidOperationException(),
        };
        return (filter, [name, op, spelled]);
    }

    private List<string> List(IEnumerable<string> values)
    {
        var tokens = new List<string> { "(" };
        foreach (string value in values)
        {
            if (tokens.Count > 1)
            {
                tokens.Add(",");
            }

            tokens.Add(value);
        }

        tokens.Add(")");
        return tokens;
    }

    private static (T, T) Ordered<T>(T a, T b) where T : IComparable<T> => a.CompareTo(b) <= 0 ? (a, b) : (b, a);

    private string Keyword(string keyword) => _random.Next(3) switch
    {
        0 => keyword,
        1 => keyword.ToUpperInvariant(),
        _ => string.Concat(keyword.Select(c => _random.Next(2) == 0 ? char.ToUpperInvariant(c) : c)),
    };

    private string RandomName()
    {
        const string Start = "abcxyzABCXYZ_";
        const string Rest = "abcdefghijklmnopqrstuvwxyzABCZ0189_";
        while (true)
        {
            var name = new StringBuilder().Append(Start[_random.Next(Start.Length)]);
            int length = _random.Next(0, 8);
            for (int i = 0; i < length; i++)
            {
                name.Append(Rest[_random.Next(Rest.Length)]);
            }

            string result = name.ToString();
            if (!new[] { "and", "or", "not", "in", "between", "exists", "contains", "any", "all", "under", "seen", "bought", "true", "false" }
                    .Contains(result, StringComparer.OrdinalIgnoreCase))
            {
                return result;
            }
        }
    }

    private decimal RandomNumber() => _random.Next(6) switch
    {
        0 => _random.Next(-100, 1000),
        1 => Math.Round((decimal)(_random.NextDouble() * 1000), _random.Next(0, 4)),
        2 => new decimal(_random.Next(), _random.Next(), _random.Next(), _random.Next(2) == 0, (byte)_random.Next(0, 29)),
        3 => _random.Next(2) == 0 ? decimal.MaxValue : decimal.MinValue,
        4 => new decimal(_random.Next(1, 1000), 0, 0, _random.Next(2) == 0, 28),
        _ => new decimal(_random.Next(0, 100) * 100, 0, 0, false, (byte)_random.Next(0, 5)),
    };

    private DateTimeOffset RandomDateTime()
    {
        long min = TimeSpan.TicksPerDay, max = DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay;
        long ticks = _random.Next(4) switch
        {
            0 => min + (long)(_random.NextDouble() * (max - min)),
            1 => new DateTime(2024, 1, 1).Ticks + (_random.Next(0, 366) * TimeSpan.TicksPerDay),
            2 => new DateTime(2024, 1, 1).Ticks + (_random.Next() * TimeSpan.TicksPerSecond),
            _ => new DateTime(2024, 1, 1).Ticks + _random.NextInt64(0, TimeSpan.TicksPerDay * 10),
        };
        var offset = TimeSpan.FromMinutes(_random.Next(-14 * 60, (14 * 60) + 1));
        return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>Spells a number as written, or with trailing or leading zeros added.</summary>
    private string Spell(decimal value)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        return _random.Next(4) switch
        {
            0 when value.Scale <= 26 && Math.Abs(value) < 1_000_000m => (value * 1.00m).ToString(CultureInfo.InvariantCulture),
            1 when value >= 0 => "00" + text,
            _ => text,
        };
    }

    /// <summary>Spells an instant in a random offset, with a fraction of varying length, or as a date alone at midnight UTC.</summary>
    private string Spell(DateTimeOffset value)
    {
        DateTimeOffset utc = value.ToUniversalTime();
        if (utc.TimeOfDay == TimeSpan.Zero && _random.Next(2) == 0)
        {
            return "\"" + utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "\"";
        }

        var offset = TimeSpan.FromMinutes(_random.Next(-14 * 60, (14 * 60) + 1));
        DateTimeOffset local = utc.ToOffset(offset);
        string fraction = utc.Ticks % TimeSpan.TicksPerSecond == 0 && _random.Next(2) == 0 ? "" : "." + local.ToString("fffffff", CultureInfo.InvariantCulture);
        string seconds = fraction.Length == 0 && utc.Ticks % TimeSpan.TicksPerMinute == 0 && _random.Next(2) == 0 ? "" : local.ToString(":ss", CultureInfo.InvariantCulture) + fraction;
        string zone = offset == TimeSpan.Zero && _random.Next(2) == 0 ? (_random.Next(2) == 0 ? "Z" : "")
            : (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString("hh\\:mm", CultureInfo.InvariantCulture);
        return "\"" + local.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) + seconds + zone + "\"";
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
