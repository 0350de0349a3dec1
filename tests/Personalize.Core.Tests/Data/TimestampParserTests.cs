using System.Globalization;
using System.Text;
using Personalize.Core.Data;

namespace Personalize.Core.Tests.Data;

/// <summary>The timestamp parser: ISO 8601 and Unix seconds (or milliseconds) in, Unix seconds out; everything else is refused.</summary>
public sealed class TimestampParserTests
{
    private static bool TryParse(string text, out long unixSeconds) => TimestampParser.TryParse(Encoding.UTF8.GetBytes(text), out unixSeconds);

    public static TheoryData<string, long> Valid => new()
    {
        { "2024-01-31T12:00:00Z", 1706702400 },
        { "1970-01-01T00:00:00Z", 0 },
        { "2024-01-31T12:00:00+02:00", 1706695200 },
        { "2024-01-31T12:00:00-05:30", 1706722200 },
        { "2024-01-31T12:00:00-0530", 1706722200 },
        { "2024-01-31T12:00:00+01", 1706698800 },
        { "2024-01-31T12:00:00+00:00", 1706702400 },
        { "2024-01-31T12:00:00+14:00", 1706652000 },
        { "2024-01-31T12:00:00.5Z", 1706702400 },
        { "2024-01-31T12:00:00.999999Z", 1706702400 },
        { "2024-01-31T12:00:00,25+01:00", 1706698800 },
        { "2024-01-31T12:00Z", 1706702400 },
        { "2024-01-31T12:00", 1706702400 },
        { "2024-01-31T12:00:00", 1706702400 },
        { "2024-01-31 12:00:00", 1706702400 },
        { "2024-01-31 12:00:00+02:00", 1706695200 },
        { "2024-01-31", 1706659200 },
        { "2024-02-29", 1709164800 },
        { "1969-12-31T23:59:59Z", -1 },
        { "0001-01-01T00:00:00Z", -62135596800 },
        { "9999-12-31T23:59:59Z", 253402300799 },
        { "  2024-01-31T12:00:00Z\t", 1706702400 },
        { "2024-01-31t12:00:00z", 1706702400 },
        { "1706702400", 1706702400 },
        { "0", 0 },
        { "978300760", 978300760 },
        { "1706702400000", 1706702400 },
        { "1706702400999", 1706702400 },
        { "-1", -1 },
        { "-86400", -86400 },
        { "-1000000000000", -1000000000 },
        { "-1000000000500", -1000000001 },
        { "253402300799", 253402300799 },
        { "-62135596800", -62135596800 },
        { "20240131", 1706659200 },
        { "19000101", -2208988800 },
        { "21991231", 7258032000 },
        { "1706702400.5", 1706702400 },
        { "1706702400.0", 1706702400 },
        { "1706702400999.0", 1706702400 },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void TryParse_reads_ISO_8601_and_Unix_time_as_Unix_seconds(string text, long expected)
    {
        bool parsed = TryParse(text, out long unixSeconds);

        Assert.True(parsed, $"'{text}' was refused");
        Assert.Equal(expected, unixSeconds);
    }

    public static TheoryData<string> Invalid => new()
    {
        "",
        "   ",
        "2024-13-01",
        "2024-00-10",
        "2024-02-30",
        "2023-02-29",
        "2024-01-32",
        "2024-01-01T24:00:00",
        "2024-01-01T24:00:00Z",
        "2024-01-31T12:60:00Z",
        "2024-01-31T12:00:60Z",
        "2024-01-31T12:00:00+15:00",
        "2024-01-31T12:00:00.Z",
        "2024-01-31T",
        "2024-01-31T12",
        "2024-01-31T12:00:00Zjunk",
        "20240131T120000Z",
        "yesterday",
        "now",
        "abc",
        "-",
        "+123",
        "12e3",
        "1706702400.",
        ".5",
        "1706702400.5.1",
        "253402300800",
        "-62135596801",
        "99999999999999999999999",
        "9999-12-31T23:59:59-01:00",
        "0001-01-01T00:00:00+01:00",
        "12:00",
        "12:00:00Z",
        "Jan 5",
        "01/02/2024",
        "31.01.2024",
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void TryParse_refuses_text_that_is_not_a_timestamp(string text)
    {
        bool parsed = TryParse(text, out long unixSeconds);

        Assert.False(parsed, $"'{text}' was read as {unixSeconds}");
    }

    [Theory]
    [InlineData("20240131", (int)IntegerTimes.UnixSeconds, true, 20240131L)]
    [InlineData("20240131", (int)IntegerTimes.BasicDates, true, 1706659200L)]
    [InlineData("1706702400", (int)IntegerTimes.BasicDates, false, 0L)]
    [InlineData("20241301", (int)IntegerTimes.BasicDates, false, 0L)]
    [InlineData("20241301", (int)IntegerTimes.Any, true, 20241301L)]
    [InlineData("2024-01-31", (int)IntegerTimes.BasicDates, true, 1706659200L)]
    public void TryParse_reads_numbers_as_the_file_s_kind_says(string text, int integers, bool expected, long expectedSeconds)
    {
        bool parsed = TimestampParser.TryParse(Encoding.UTF8.GetBytes(text), (IntegerTimes)integers, out long unixSeconds, out _);

        Assert.Equal(expected, parsed);
        if (expected)
        {
            Assert.Equal(expectedSeconds, unixSeconds);
        }
    }

    [Fact]
    public void TryParse_reads_back_random_instants_in_every_supported_shape()
    {
        const int seed = 4242;
        var random = new Random(seed);
        for (int i = 0; i < 5000; i++)
        {
            long seconds = random.NextInt64(-62135596800 + 86400, 253402300800 - 86400); // a day inside the range, so that any offset fits
            var instant = DateTimeOffset.FromUnixTimeSeconds(seconds);
            var offset = TimeSpan.FromMinutes(random.Next(-12 * 4, 14 * 4) * 15);
            string[] shapes =
            [
                instant.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                instant.ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                instant.ToOffset(offset).ToString("yyyy-MM-dd HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
                instant.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                seconds.ToString(CultureInfo.InvariantCulture),
            ];

            foreach (string text in shapes)
            {
                Assert.True(TryParse(text, out long parsed) && parsed == seconds, $"seed {seed}, iteration {i}: '{text}' read as {parsed}, expected {seconds}");
            }
        }
    }

    [Fact]
    public void TryParse_never_throws_on_random_bytes_and_refuses_what_it_cannot_read_without_a_value()
    {
        const int seed = 99;
        var random = new Random(seed);
        byte[] alphabet = "0123456789-+:TZ .,tzab\t"u8.ToArray();
        for (int i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 30)];
            for (int k = 0; k < bytes.Length; k++)
            {
                bytes[k] = random.Next(10) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }

            bool parsed = TimestampParser.TryParse(bytes, out long unixSeconds);

            if (parsed)
            {
                Assert.True(unixSeconds is >= -62135596800 and <= 253402300799,
                    $"seed {seed}, iteration {i}: '{Encoding.UTF8.GetString(bytes)}' read as {unixSeconds}, outside the range of DateTimeOffset");
            }
        }
    }
}
