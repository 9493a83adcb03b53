// The most common passwords of at least 8 characters, from public breach-frequency lists
// (lower-case; compared case-insensitively). Deliberately small: it stops the passwords an attacker
// tries first, not every weak one.
export const commonPasswords: ReadonlySet<string> = new Set([
  "12345678", "123456789", "1234567890", "12345678910", "11111111", "00000000", "88888888", "87654321",
  "password", "password1", "password12", "password123", "password!", "passw0rd", "p@ssw0rd", "p@ssword",
  "qwertyuiop", "qwerty123", "qwerty12", "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "zaq12wsx", "qazwsxedc",
  "asdfghjkl", "asdfasdf", "abcd1234", "abc12345", "abcdefgh", "iloveyou", "iloveyou1", "sunshine",
  "princess", "football", "baseball", "basketball", "superman", "batman123", "starwars", "whatever",
  "trustno1", "letmein1", "welcome1", "welcome123", "admin123", "administrator", "changeme", "changeme123",
  "computer", "internet", "michelle", "jennifer", "jordan23", "liverpool", "chelsea1", "arsenal1",
  "mercedes", "corvette", "ferrari1", "mustang1", "dragon12", "monkey123", "shadow12", "master12",
  "midnight", "charlie1", "snoopy12", "pokemon1", "minecraft", "fuckyou1", "test1234", "testtest",
  "secret123", "letmein123", "hello123", "lovely12", "1234qwer", "q1w2e3r4", "q1w2e3r4t5", "123qweasd",
  "123123123", "1234512345", "147258369", "741852963", "987654321", "9876543210", "55555555", "66666666",
  "77777777", "99999999", "12341234", "11223344", "12121212", "10203040", "qwerty1234", "password2",
]);
