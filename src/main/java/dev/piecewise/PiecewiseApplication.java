package dev.piecewise;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class PiecewiseApplication {

    public static void main(String[] args) {
        SpringApplication.run(PiecewiseApplication.class, args);
    }
}
