<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.0" styleCategories="Symbology|Labeling">
 <renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">
  <rules key="root">
   <rule key="r0" filter="&quot;median_year&quot; &lt; 2017.5" label="2017" symbol="0"/>
   <rule key="r1" filter="&quot;median_year&quot; &gt;= 2017.5 AND &quot;median_year&quot; &lt; 2018.5" label="2018" symbol="1"/>
   <rule key="r2" filter="&quot;median_year&quot; &gt;= 2018.5 AND &quot;median_year&quot; &lt; 2019.5" label="2019" symbol="2"/>
   <rule key="r3" filter="&quot;median_year&quot; &gt;= 2019.5 AND &quot;median_year&quot; &lt; 2020.5" label="2020" symbol="3"/>
   <rule key="r4" filter="&quot;median_year&quot; &gt;= 2020.5 AND &quot;median_year&quot; &lt; 2021.5" label="2021" symbol="4"/>
   <rule key="r5" filter="&quot;median_year&quot; &gt;= 2021.5 AND &quot;median_year&quot; &lt; 2022.5" label="2022" symbol="5"/>
   <rule key="r6" filter="&quot;median_year&quot; &gt;= 2022.5 AND &quot;median_year&quot; &lt; 2023.5" label="2023" symbol="6"/>
   <rule key="r7" filter="&quot;median_year&quot; &gt;= 2023.5 AND &quot;median_year&quot; &lt; 2024.5" label="2024" symbol="7"/>
   <rule key="r8" filter="&quot;median_year&quot; &gt;= 2024.5 AND &quot;median_year&quot; &lt; 2025.5" label="2025" symbol="8"/>
   <rule key="r9" filter="&quot;median_year&quot; &gt; 2025 OR (&quot;median_year&quot; IS NULL AND (&quot;kind&quot; IS NULL OR &quot;kind&quot; &lt;&gt; &apos;township&apos;))" label="after the period" symbol="9"/>
   <rule key="r10" filter="&quot;median_year&quot; IS NULL AND &quot;kind&quot; = &apos;township&apos;" label="not assessed (township)" symbol="10"/>
  </rules>
  <symbols>
   <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="27,44,126,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="1" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="36,69,156,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="2" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="33,103,172,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="3" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="29,142,191,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="4" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="55,172,195,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="5" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="95,193,192,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="6" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="146,212,185,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="7" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="200,233,180,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="8" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="229,245,178,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="9" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="244,165,130,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="10" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="217,217,217,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="b_diagonal"/></layer></symbol>
  </symbols>
 </renderer-v2>
 <labeling type="simple"><settings calloutType="simple"><text-style fieldName="name" fontSize="8" textColor="20,20,20,255" fontFamily="DejaVu Sans"/><text-buffer bufferDraw="1" bufferSize="0.8" bufferColor="255,255,255,255"/><placement placement="1"/></settings></labeling>
</qgis>
