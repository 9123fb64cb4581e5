package dev.piecewise.run;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;

import java.util.Enumeration;
import java.util.Locale;
import java.util.regex.Pattern;

/** What a request's {@code Accept-Encoding} says of gzip, for answers sent already compressed. */
final class AcceptEncoding {

    /** A weight of zero, as RFC 9110 spells it: "not acceptable". */
    private static final Pattern ZERO_WEIGHT = Pattern.compile("\\s*q\\s*=\\s*0(\\.0{0,3})?\\s*", Pattern.CASE_INSENSITIVE);

    private AcceptEncoding() {
    }

    /**
     * Whether the client takes gzip (RFC 9110, section 12.5.3): named ({@code gzip} or its alias {@code x-gzip}), or
     * {@code *} with gzip not named; a weight of zero refuses.
     */
    static boolean gzip(HttpServletRequest request) {
        Boolean gzip = null;
        boolean any = false;
        for (Enumeration<String> headers = request.getHeaders(HttpHeaders.ACCEPT_ENCODING); headers.hasMoreElements(); ) {
            for (String coding : headers.nextElement().split(",")) {
                String[] parameters = coding.split(";");
                String name = parameters[0].trim().toLowerCase(Locale.ROOT);
                boolean accepted = true;
                for (int i = 1; i < parameters.length; i++) {
                    accepted &= !ZERO_WEIGHT.matcher(parameters[i]).matches();
                }
                if (name.equals("gzip") || name.equals("x-gzip")) { // named twice: refused if either refuses
                    gzip = accepted && (gzip == null || gzip);
                } else if (name.equals("*")) {
                    any = accepted;
                }
            }
        }
        return gzip != null ? gzip : any;
    }
}
