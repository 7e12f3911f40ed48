package dev.lucid.report.svg;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {
    @Test
    void niceScalesExtendToRoundTicks() {
        LinearScale s = LinearScale.nice(0.04, 0.62, 300, 40, 5);
        assertEquals(0.0, s.domainLow());
        assertEquals(0.8, s.domainHigh(), 1e-12);
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6000000000000001, 0.8), s.ticks());
        assertEquals(1, s.tickDecimals());
        assertEquals(300, s.map(0), 1e-9);
        assertEquals(40, s.map(0.8), 1e-9);
        assertEquals(170, s.map(0.4), 1e-9);
        LinearScale negative = LinearScale.nice(-26.2, 0.8, 0, 100, 5);
        assertEquals(-30, negative.domainLow(), 1e-9);
        assertEquals(10, negative.domainHigh(), 1e-9);
        assertEquals(0, negative.tickDecimals());
    }

    @Test
    void oneValueGetsRoomAndNaNGetsTheUnitInterval() {
        LinearScale one = LinearScale.nice(5, 5, 0, 100, 5);
        assertTrue(one.domainLow() < 5 && one.domainHigh() > 5);
        LinearScale nan = LinearScale.nice(Double.NaN, 1, 0, 100, 5);
        assertEquals(0, nan.domainLow());
        assertEquals(1, nan.domainHigh(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new LinearScale(1, 1, 0, 1, 1));
    }

    @Test
    void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(0.2, LinearScale.niceStep(0.116), 1e-12);
        assertEquals(5, LinearScale.niceStep(3), 1e-12);
        assertEquals(1, LinearScale.niceStep(1), 1e-12);
        assertEquals(10, LinearScale.niceStep(6), 1e-12);
    }

    @Test
    void coordinatesAreRoundedWithoutNegativeZero() {
        assertEquals("0", Svg.n(-0.04));
        assertEquals("12.3", Svg.n(12.345));
        assertEquals("7", Svg.n(7.0));
        assertThrows(IllegalArgumentException.class, () -> Svg.n(Double.NaN));
    }

    @Test
    void escapesMarkupAndDropsControlCharacters() {
        assertEquals("&lt;b a=&quot;1&quot; c=&#39;2&#39;&gt;&amp; x", Svg.escape("<b a=\"1\" c='2'>&\u0001x"));
    }

    @Test
    void accuracyColoursRunFromRedThroughYellowToGreen() {
        assertEquals("#d73027", Palette.accuracy(0));
        assertEquals("#fee08b", Palette.accuracy(0.5));
        assertEquals("#1a9850", Palette.accuracy(1));
        assertEquals("#dddddd", Palette.accuracy(Double.NaN));
        assertEquals("#ffffff", Palette.textOn("#1a9850"));
        assertEquals("#111111", Palette.textOn("#fee08b"));
    }

    @Test
    void barChartDrawsBarsWhiskersBandAndReference() {
        String svg = new BarChart("b", "Title", "y", List.of(new BarChart.Series("s", "#123456")),
                List.of(new BarChart.Group("g1", List.of(new BarChart.Bar(-20, -26, -14, "tip"))),
                        new BarChart.Group("g2", List.of(BarChart.Bar.missing("none")))))
                .band(-2, 2, "margin").reference(0.5, "ref").render();
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"b\" class=\"chart bar-chart\" width=\"560\" height=\"320\""), svg);
        assertEquals(1, svg.split("class=\"bar\"", -1).length - 1);
        assertEquals(3, svg.split("class=\"whisker\"", -1).length - 1);
        assertTrue(svg.contains("<title>tip</title>"));
        assertTrue(svg.contains("class=\"band\""));
        assertTrue(svg.contains("class=\"reference\""));
        assertTrue(svg.contains(">n/a</text>"), "a missing bar says so");
    }

    @Test
    void chartsWithoutDataSayWhy() {
        assertTrue(new BarChart("b", "T", "y", List.of(new BarChart.Series("s", "#000000")),
                List.of(new BarChart.Group("g", List.of(BarChart.Bar.missing(""))))).render().contains("class=\"chart bar-chart empty\""));
        assertTrue(new Scatter("s", "T", "x", "y", List.of()).render().contains(">No model has both numbers.</text>"));
        assertTrue(new LineChart("l", "T", "x", "y", List.of(new LineChart.Series("a", "#000000", List.of()))).render()
                .contains(">No curve to show.</text>"));
        assertTrue(new HeatMap("h", "T", List.of(), List.of(), List.of()).render().contains("class=\"chart heat-map empty\""));
    }

    @Test
    void lineChartShadesTheCiBandAndHeatMapColoursCells() {
        String line = new LineChart("l", "T", "x", "y", List.of(new LineChart.Series("a", "#4e79a7", List.of(
                new LineChart.Point(0.9, 0.1, 0.05, 0.15, ""), new LineChart.Point(0.1, 0.5, 0.4, 0.6, ""))))).yDomain(0, 1).render();
        assertTrue(line.contains("class=\"ci-band\""));
        assertTrue(line.contains("fill-opacity=\"0.18\""));
        assertEquals(2, line.split("class=\"point\"", -1).length - 1);
        String heat = new HeatMap("h", "T", List.of("m"), List.of("food", "color"), List.of(List.of(
                new HeatMap.Cell(1, "1.00", "t"), new HeatMap.Cell(Double.NaN, "—", "none")))).render();
        assertTrue(heat.contains("fill=\"#1a9850\"><title>t</title></rect>"), heat);
        assertTrue(heat.contains("class=\"cell missing\""));
    }
}
