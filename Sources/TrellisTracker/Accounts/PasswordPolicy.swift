/// What a password must be (OWASP ASVS 5.0, V6.2): at least 12 characters, at most 128, not a
/// commonly used password, and not the person's login or name. No rules about character
/// classes, which make passwords harder to remember without making them stronger.
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumLength = 128

    /// The problems with `password`, in words for the form; empty when it is acceptable.
    public static func problems(_ password: String, login: String, name: String) -> [String] {
        var problems: [String] = []
        let length = password.count
        if length < minimumLength { problems.append("Use at least \(minimumLength) characters (this one has \(length)).") }
        if length > maximumLength { problems.append("Use at most \(maximumLength) characters.") }
        let folded = password.lowercased().filter { !$0.isWhitespace }
        if length >= minimumLength, commonPasswords.contains(folded) || isRepetitive(folded) {
            problems.append("This password is on lists of common passwords that attackers try first. Choose another, such as three or four unrelated words.")
        }
        let loginFolded = login.lowercased()
        if !loginFolded.isEmpty, folded.contains(loginFolded) || (name.count >= 4 && folded.contains(name.lowercased().filter { !$0.isWhitespace })) {
            problems.append("Do not use your login or your name in your password.")
        }
        return problems
    }

    /// One character or a short run repeated (`aaaaaaaaaaaa`, `abcabcabcabc`), or a keyboard or number run.
    static func isRepetitive(_ text: String) -> Bool {
        let characters = Array(text)
        for period in 1...4 where characters.count >= period * 3 {
            if characters.indices.allSatisfy({ characters[$0] == characters[$0 % period] }) { return true }
        }
        return ["1234567890", "0987654321", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz"].contains { run in
            run.contains(text) || text.hasPrefix(run)
        }
    }

    /// Commonly used passwords of 12 characters or more (lower case, spaces removed), from the
    /// lists breached-password services publish; the length rule already refuses shorter ones.
    static let commonPasswords: Set<String> = [
        "123456789012", "1234567890123", "12345678910", "123456789101", "1q2w3e4r5t6y", "1qaz2wsx3edc", "qwertyuiop123",
        "qwerty123456", "qwertyuiopasdfghjkl", "password1234", "password12345", "password123456", "password123!",
        "passwordpassword", "p@ssw0rd1234", "p@ssword1234", "iloveyou1234", "iloveyouforever", "letmein12345",
        "welcome12345", "welcome123456", "changeme1234", "changeme123!", "administrator", "administrator1",
        "trustno1trustno1", "monkey123456", "football1234", "baseball1234", "princess1234", "sunshine1234",
        "superman1234", "starwars1234", "dragon123456", "master123456", "shadow123456", "michael12345",
        "jennifer1234", "abc123456789", "abcd12345678", "abcdefg12345", "aaaaaa123456", "987654321000",
        "asdfghjkl123", "zxcvbnm12345", "1234qwerasdf", "qazwsxedcrfv", "1q2w3e4r5t6y7u", "passw0rd1234",
        "mypassword123", "mypassword1234", "secretpassword", "supersecret123", "thisismypassword", "correcthorsebatterystaple",
        "whatever1234", "computer1234", "internet1234", "letmeinplease", "nopassword123", "default12345",
        "trellis12345", "trellispassword", "peersupport123", "peerspecialist", "recovery1234", "summer2024!!",
        "winter2024!!", "spring2025!!", "autumn2025!!", "summer20252025", "january12345", "december1234",
    ]
}
