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
   <rule key="r8" filter="&quot;median_year&quot; &gt;= 2024.5" label="2025" symbol="8"/>
   <rule key="r9" filter="&quot;median_year&quot; IS NULL" label="not built in most draws" symbol="9"/>
  </rules>
  <symbols>
   <symbol type="line" name="0" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" pass="0" locked="0"><prop k="line_color" v="128,0,38,255"/><prop k="line_width" v="0.9"/><prop k="line_width_unit" v="MM"/><prop k="line_style" v="solid"/><prop k="capstyle" v="round"/></layer></symbol>
   <symbol type="line" name="1" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" pass="0" locked="0"><prop k="line_color" v="174,0,38,255"/><prop k="line_width" v="0.9"/><prop k="line_width_unit" v="MM"/><prop k="line_style" v="solid"/><prop k="capstyle" v="round"/></layer></symbol>
   <symbol type="line" name="2" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" pass="0" locked="0"><prop k="line_color" v="208,13,33,255"/><prop k="line_width" v="0.9"/><prop k="line_width_unit" v="MM"/><prop k="line_style" v="solid"/><prop k="capstyle" v="round"/></layer></symbol>
   <symbol type="line" name="3" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" pass="0" locked="0"><prop k="line_color" v="233,39,32,255"/><prop k="line_width" v="0.9"/><prop k="line_width_unit" v="MM"/><prop k="line_style" v="solid"/><prop k="capstyle" v="round"/></layer></symbol>
   <symbol type="line" name="4" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" pass="0" locked="0"><prop k="line_color" v="252,78,42,255"/><prop k="line_width" v="0.9"/><prop k="line_width_unit" v="MM"/><prop k="line_style" v="solid"/><prop k="capstyle" v="round"/></layer></symbol>
   <symbol type="line" name="5" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" pass="0" locked="0"><prop k="line_color" v="253,125,56,255"/><prop k="line_width" v="0.9"/><prop k="line_width_unit" v="MM"/><prop k="line_style" v="solid"/><prop k="capstyle" v="round"/></layer></symbol>
   <symbol type="line" name="6" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" pass="0" locked="0"><prop k="line_color" v="254,160,68,255"/><prop k="line_width" v="0.9"/><prop k="line_width_unit" v="MM"/><prop k="line_style" v="solid"/><prop k="capstyle" v="round"/></layer></symbol>
   <symbol type="line" name="7" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" pass="0" locked="0"><prop k="line_color" v="254,188,87,255"/><prop k="line_width" v="0.9"/><prop k="line_width_unit" v="MM"/><prop k="line_style" v="solid"/><prop k="capstyle" v="round"/></layer></symbol>
   <symbol type="line" name="8" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" pass="0" locked="0"><prop k="line_color" v="254,217,118,255"/><prop k="line_width" v="0.9"/><prop k="line_width_unit" v="MM"/><prop k="line_style" v="solid"/><prop k="capstyle" v="round"/></layer></symbol>
   <symbol type="line" name="9" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" pass="0" locked="0"><prop k="line_color" v="150,150,150,255"/><prop k="line_width" v="0.3"/><prop k="line_width_unit" v="MM"/><prop k="line_style" v="dash"/><prop k="capstyle" v="round"/></layer></symbol>
  </symbols>
 </renderer-v2>
</qgis>
