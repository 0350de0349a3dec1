namespace Personalize.Cli.Sample;

/// <summary>The fixed data tables of the sample shop: brands, categories, hour and tag-count weights.</summary>
internal static class SampleShopTables
{
    /// <summary>Relative activity of the hours 00-23 (UTC) for session starts.</summary>
    internal static readonly double[] HourWeights =
    [
        0.25, 0.12, 0.08, 0.06, 0.06, 0.10, 0.30, 0.60, 0.80, 0.90, 1.00, 1.00,
        1.10, 1.00, 0.90, 0.90, 1.00, 1.20, 1.50, 1.80, 2.00, 1.80, 1.20, 0.60,
    ];

    /// <summary>Relative frequency of 0, 1, 2, 3 and 4 tags.</summary>
    internal static readonly double[] TagCountWeights = [0.10, 0.20, 0.30, 0.25, 0.15];

    /// <summary>Invented brand names.</summary>
    internal static readonly string[] Brands =
    [
        "Acme", "Zen", "Nordwind", "Bergmann", "Kestrel", "Lumo", "Orbit", "Pinecrest",
        "Quill", "Rivet", "Solace", "Tundra", "Vela", "Wren", "Yuzu", "Alder",
        "Brisk", "Cobalt", "Dune", "Ember", "Fjord", "Granite", "Halcyon", "Ivory",
        "Juniper", "Koa", "Larkspur", "Meridian", "Nimbus", "Oakline", "Pebble", "Quartz",
        "Roam", "Saltmarsh", "Tidewell", "Umbra", "Verdant", "Willow", "Yonder", "Zephyr",
    ];

    /// <summary>Top-level categories; leaf <c>c</c> belongs to <c>Categories[c].Parent</c>.</summary>
    internal static readonly string[] Parents = ["Kitchen", "Grocery", "Household", "Electronics", "Outdoor"];

    /// <summary>The planted leaf categories.</summary>
    internal static readonly CategorySpec[] Categories =
    [
        new("Kitchen/Coffee", 0, 1.0, 89.0, 0.55, false,
            ["Burr Grinder", "Espresso Machine", "Pour-Over Kettle", "Milk Frother", "French Press", "Drip Brewer"],
            [], [], ["coffee", "espresso", "brewing", "barista", "grinder", "stainless"]),
        new("Kitchen/Cookware", 0, 1.0, 49.0, 0.50, false,
            ["Skillet", "Saucepan", "Dutch Oven", "Wok", "Stockpot", "Griddle"],
            ["20 cm", "24 cm", "28 cm"], [0.85, 1.0, 1.2], ["cookware", "nonstick", "castiron", "induction", "stainless", "ovenproof"]),
        new("Kitchen/Knives", 0, 0.7, 59.0, 0.60, false,
            ["Chef Knife", "Paring Knife", "Bread Knife", "Santoku", "Utility Knife", "Carving Knife"],
            ["6\"", "7\"", "8\"", "9\""], [0.85, 0.95, 1.0, 1.1], ["knives", "steel", "japanese", "forged", "sharp", "chef"]),
        new("Grocery/Coffee", 1, 1.0, 9.0, 0.35, true,
            ["Espresso Beans", "Filter Roast", "Decaf Blend", "Cold Brew Blend", "Single Origin Beans"],
            ["250 g", "500 g", "1 kg"], [1.0, 1.8, 3.2], ["coffee", "beans", "arabica", "roast", "organic", "fairtrade"]),
        new("Grocery/Tea", 1, 0.8, 6.0, 0.35, true,
            ["Green Tea", "Earl Grey", "Chai Blend", "Rooibos", "Herbal Infusion", "Breakfast Tea"],
            ["20 bags", "50 bags", "100 g"], [1.0, 2.0, 1.6], ["tea", "organic", "loose", "herbal", "caffeine", "fairtrade"]),
        new("Household/Cleaning", 2, 0.9, 5.5, 0.40, true,
            ["Dish Soap", "Surface Spray", "Laundry Detergent", "Glass Cleaner", "Bathroom Cleaner", "Floor Cleaner"],
            ["500 ml", "750 ml", "1 l", "2 l"], [1.0, 1.3, 1.6, 2.7], ["cleaning", "ecofriendly", "refill", "unscented", "concentrate", "lemon"]),
        new("Household/Storage", 2, 0.7, 25.0, 0.50, false,
            ["Storage Box", "Shelf Organizer", "Jar Set", "Drawer Divider", "Laundry Basket"],
            [], [], ["storage", "organizer", "stackable", "bamboo", "airtight"]),
        new("Electronics/Audio", 3, 1.2, 79.0, 0.80, false,
            ["Headphones", "Earbuds", "Bluetooth Speaker", "Soundbar", "Turntable"],
            [], [], ["audio", "wireless", "bluetooth", "noisecancelling", "bass", "portable"]),
        new("Electronics/Wearables", 3, 0.8, 149.0, 0.60, false,
            ["Smartwatch", "Fitness Band", "Smart Ring", "Sleep Tracker"],
            [], [], ["fitness", "wearable", "gps", "waterproof", "sleep", "heartrate"]),
        new("Electronics/Accessories", 3, 1.1, 19.0, 0.60, false,
            ["USB-C Cable", "Power Bank", "Phone Case", "Wireless Charger", "Screen Protector"],
            [], [], ["usbc", "charging", "magsafe", "fastcharge", "protective", "portable"]),
        new("Outdoor/Camping", 4, 0.8, 69.0, 0.70, false,
            ["Tent", "Sleeping Bag", "Camp Stove", "Headlamp", "Trekking Poles", "Water Filter"],
            [], [], ["camping", "lightweight", "waterproof", "hiking", "ultralight", "family"]),
        new("Outdoor/Cycling", 4, 0.8, 45.0, 0.80, false,
            ["Bike Light", "Helmet", "Saddle Bag", "Bike Lock", "Mini Pump", "Cycling Gloves"],
            [], [], ["cycling", "bike", "rechargeable", "reflective", "commuting", "road"]),
    ];
}
